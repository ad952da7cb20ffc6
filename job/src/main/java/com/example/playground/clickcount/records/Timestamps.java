package com.example.playground.clickcount.records;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
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

    /** Result of {@link #parseCanonical} for text that is not in the canonical form (no instant is this). */
    private static final long NOT_CANONICAL = Long.MIN_VALUE;

    private Timestamps() {}

    /**
     * The fast path of {@link #parse} for the form every generator writes,
     * {@code uuuu-MM-ddTHH:mm:ss.SSSZ} (24 characters): the same instant as
     * {@code ISO_OFFSET_DATE_TIME}, without its general parse and resolve steps, which took a
     * quarter of the job's CPU time in a catch-up run (Java Flight Recorder, docs/benchmarks.md).
     * Anything else, and any field out of range, returns {@link #NOT_CANONICAL} and goes the general
     * way, which also makes the error.
     */
    private static long parseCanonical(String text) {
        if (text.length() != 24 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.' || text.charAt(23) != 'Z') {
            return NOT_CANONICAL;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int millis = digits(text, 20, 3);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return NOT_CANONICAL;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return epochDay * 86_400_000L + hour * 3_600_000L + minute * 60_000L + second * 1_000L + millis;
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 if any of it is no ASCII digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

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
        long canonical = parseCanonical(text);
        if (canonical != NOT_CANONICAL) {
            return canonical;
        }
        Instant instant = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
        if (instant.isBefore(FIRST) || !instant.isBefore(END)) {
            throw new DateTimeParseException("instant outside years 0000 to 9999", text, 0);
        }
        return instant.toEpochMilli();
    }
}
