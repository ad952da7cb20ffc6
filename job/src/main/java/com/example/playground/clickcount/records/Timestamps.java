package com.example.playground.clickcount.records;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO-8601 UTC timestamps with exactly three fraction digits, e.g. {@code 2026-11-22T21:30:00.015Z}. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Parses any ISO-8601 instant (with or without fraction, {@code Z} or an offset).
     *
     * @throws DateTimeParseException if the text is no ISO-8601 instant
     */
    public static long parse(String text) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from).toEpochMilli();
    }
}
