package com.example.playground.clickcount.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    /** What {@link Timestamps#parse} answered before its fast path: the general ISO-8601 parse. */
    private static long general(String text) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from).toEpochMilli();
    }

    @Test
    void canonicalTimestampsParseToTheSameInstantAsTheGeneralParser() {
        SplittableRandom random = new SplittableRandom(42);
        long first = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long end = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            String text = Timestamps.format(random.nextLong(first, end + 1));
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(general(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-22T21:30:00.015Z", "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
        "2024-02-29T12:00:00.000Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z",
        "2026-11-22T21:30:00Z", "2026-11-22T22:30:00.015+01:00", "2026-11-22T21:30:00.1Z",
        "2026-11-22t21:30:00.015z"})
    void agreesWithTheGeneralParserOnEdgesAndOtherForms(String text) {
        assertThat(Timestamps.parse(text)).isEqualTo(general(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-02-29T12:00:00.000Z", "2026-04-31T12:00:00.000Z", "2026-13-01T00:00:00.000Z",
        "2026-00-10T00:00:00.000Z", "2026-11-00T00:00:00.000Z", "2026-11-22T24:00:00.000Z",
        "2026-11-22T21:60:00.000Z", "2026-11-22T21:30:60.000Z", "2026-11-22T21:30:00.0a5Z",
        "2026-11-22 21:30:00.015Z", "+2026-11-22T21:30:00.015Z", "soon", ""})
    void rejectsWhatTheGeneralParserRejects(String text) {
        assertThatThrownBy(() -> general(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}
