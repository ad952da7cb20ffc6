package com.example.playground.clickcount.records;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO-8601 UTC timestamps with exactly three fraction digits, e.g. {@code 2026-11-22T21:30:00.015Z}. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Earliest instant accepted by {@link #parse}. */
    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
    /** First instant no longer accepted by {@link #parse}. */
    private static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");

    private Timestamps() {}

    public static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Parses any ISO-8601 instant (with or without fraction, {@code Z} or an offset) from year 0000
     * to 9999. Instants outside that range are rejected: ISO-8601 allows more digits by agreement
     * only, some are beyond epoch milliseconds in a {@code long}, and one is {@code Long.MIN_VALUE},
     * Flink's "no timestamp" marker, which event-time windows reject with an exception.
     *
     * @throws DateTimeParseException if the text is no ISO-8601 instant in that range
     */
    public static long parse(String text) {
        Instant instant = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
        if (instant.isBefore(FIRST) || !instant.isBefore(END)) {
            throw new DateTimeParseException("instant outside years 0000 to 9999", text, 0);
        }
        return instant.toEpochMilli();
    }
}
