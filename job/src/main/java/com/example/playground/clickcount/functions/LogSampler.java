package com.example.playground.clickcount.functions;

import java.io.Serializable;

/** Says which occurrences to log: the first {@code first}, then every {@code every}-th. */
public final class LogSampler implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long first;
    private final long every;
    private long seen;

    public LogSampler(long first, long every) {
        this.first = first;
        this.every = every;
    }

    /** Counts one occurrence and tells whether to log it. */
    public boolean sample() {
        seen++;
        return seen <= first || seen % every == 0;
    }

    public long seen() {
        return seen;
    }
}
