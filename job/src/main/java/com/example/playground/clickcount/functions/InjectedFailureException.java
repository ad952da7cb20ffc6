package com.example.playground.clickcount.functions;

/** Thrown on purpose by a {@code fail} control record, so that Flink restarts the job. */
public class InjectedFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InjectedFailureException(String message) {
        super(message);
    }
}
