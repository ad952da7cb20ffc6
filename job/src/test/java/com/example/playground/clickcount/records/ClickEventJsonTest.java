package com.example.playground.clickcount.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickEventJsonTest {

    private static final long T = Timestamps.parse("2026-11-22T21:30:00.015Z");

    @Test
    void writesClickEventInContractFormat() {
        assertThat(ClickEventJson.toJson(new ClickEvent(T, "/help")))
                .isEqualTo("{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\"}");
    }

    @Test
    void writesStatisticsWithFieldsInContractOrderAndMilliseconds() {
        long start = Timestamps.parse("2026-11-22T21:30:00Z");
        String json = ClickEventJson.toJson(new ClickEventStatistics(start, start + 15_000, "/help", 1000));
        assertThat(json).isEqualTo("{\"windowStart\":\"2026-11-22T21:30:00.000Z\","
                + "\"windowEnd\":\"2026-11-22T21:30:15.000Z\",\"page\":\"/help\",\"count\":1000}");
    }

    @Test
    void readsStatisticsBack() {
        ClickEventStatistics stats = new ClickEventStatistics(T, T + 15_000, "/news", 7);
        assertThat(ClickEventJson.parseStatistics(ClickEventJson.toJson(stats))).isEqualTo(stats);
    }

    @Test
    void parsesClickEventRoundTrip() {
        ClickEvent event = new ClickEvent(T, "/shop");
        assertThat(ClickEventJson.parse(ClickEventJson.toJson(event))).isEqualTo(new InputRecord.Click(event));
    }

    @Test
    void acceptsTimestampsWithoutFractionOrWithOffset() {
        assertThat(ClickEventJson.parse("{\"timestamp\":\"2026-11-22T22:30:00.015+01:00\",\"page\":\"/jobs\"}"))
                .isEqualTo(new InputRecord.Click(new ClickEvent(T, "/jobs")));
        assertThat(ClickEventJson.parse("{\"timestamp\":\"2026-11-22T21:30:00Z\",\"page\":\"/jobs\"}"))
                .isEqualTo(new InputRecord.Click(new ClickEvent(T - 15, "/jobs")));
    }

    @Test
    void acceptsEveryInstantFromYear0000ToYear9999() {
        assertThat(Timestamps.parse("0000-01-01T00:00:00Z")).isEqualTo(-62_167_219_200_000L);
        assertThat(Timestamps.parse("9999-12-31T23:59:59.999Z")).isEqualTo(253_402_300_799_999L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "not json", "[1,2]", "42", "null", "\"text\""})
    void classifiesMalformedJson(String text) {
        assertThat(reasonOf(text)).isEqualTo(InvalidReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"page\":\"/help\"}|MISSING_FIELD",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\"}|MISSING_FIELD",
        "{\"timestamp\":12345,\"page\":\"/help\"}|MISSING_FIELD",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/checkout\"}|UNKNOWN_PAGE",
        "{\"timestamp\":\"22-11-2026 09:30:00:015\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        "{\"timestamp\":\"2026-13-45T21:30:00.015Z\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        // beyond epoch milliseconds in a long: used to throw ArithmeticException (a crash loop)
        "{\"timestamp\":\"+999999999-12-31T23:59:59Z\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        // exactly Long.MIN_VALUE ms, Flink's no-timestamp marker: event-time windows would throw
        "{\"timestamp\":\"-292275055-05-16T16:47:04.192Z\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        "{\"timestamp\":\"+10000-01-01T00:00:00Z\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        "{\"timestamp\":\"-0001-12-31T23:59:59Z\",\"page\":\"/help\"}|INVALID_TIMESTAMP",
        "{\"control\":\"explode\",\"id\":\"a\",\"issuedAt\":\"2026-11-22T21:30:00.000Z\"}|INVALID_CONTROL_RECORD",
        "{\"control\":\"fail\",\"issuedAt\":\"2026-11-22T21:30:00.000Z\"}|INVALID_CONTROL_RECORD",
        "{\"control\":\"fail\",\"id\":\"a\"}|INVALID_CONTROL_RECORD",
        "{\"control\":\"fail\",\"id\":\"a\",\"issuedAt\":\"yesterday\"}|INVALID_CONTROL_RECORD",
    })
    void classifiesInvalidRecordsByReason(String text, InvalidReason reason) {
        assertThat(reasonOf(text)).isEqualTo(reason);
    }

    @Test
    void parsesControlRecord() {
        String json = ClickEventJson.controlFail("4b7c", Timestamps.parse("2026-11-22T21:30:00.000Z"));
        assertThat(json).isEqualTo("{\"control\":\"fail\",\"id\":\"4b7c\",\"issuedAt\":\"2026-11-22T21:30:00.000Z\"}");
        assertThat(ClickEventJson.parse(json))
                .isEqualTo(new InputRecord.Control("fail", "4b7c", Timestamps.parse("2026-11-22T21:30:00Z")));
    }

    @Test
    void serializationSchemaWritesUtf8Json() {
        ClickEventStatistics stats = new ClickEventStatistics(0, 15_000, "/about", 3);
        assertThat(new String(new ClickEventStatisticsSerializationSchema().serialize(stats),
                        java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"windowStart\":\"1970-01-01T00:00:00.000Z\",\"windowEnd\":\"1970-01-01T00:00:15.000Z\","
                        + "\"page\":\"/about\",\"count\":3}");
    }

    @Test
    void inputLineSchemaNeverFails() throws Exception {
        InputLineSchema schema = new InputLineSchema();
        assertThat(schema.deserialize(null).text()).isEmpty();
        assertThat(schema.deserialize(new byte[] {(byte) 0xff, (byte) 0xfe}).record()).isInstanceOf(InputRecord.Invalid.class);
        assertThat(schema.getProducedType()).isEqualTo(InputLineSerializer.TYPE_INFO);
    }

    /** The classification by a JSON tree alone, as {@link ClickEventJson#parse} did before its fast path. */
    private static InputRecord byTree(String text) {
        return ClickEventJson.parse(" " + text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/checkout\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"\"}",
        "{\"timestamp\":\"soon\",\"page\":\"/help\"}",
        "{\"timestamp\":\"\",\"page\":\"/help\"}",
        "{\"timestamp\":\"2026-02-30T21:30:00.015Z\",\"page\":\"/help\"}",
        "{\"timestamp\":\"2026-11-22T22:30:00.015+01:00\",\"page\":\"/news\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/he\\\"lp\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"\\/help\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\",\"page\":\"/shop\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\"}}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\"} trailing",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/he\tlp\"}",
        "{\"timestamp\":\"}",
        "{\"timestamp\":\"x\"}",
        "{\"timestamp\":\"2026-11-22T21:30:00.015Z\",\"page\":\"/help\",\"x\":1}",
        "{\"page\":\"/help\",\"timestamp\":\"2026-11-22T21:30:00.015Z\"}"})
    void classifiesAGeneratorLineAsTheJsonTreeDoes(String text) {
        // a leading space keeps a line off the fast path: the JSON tree decides alone
        assertThat(ClickEventJson.parse(text)).as(text).isEqualTo(byTree(text));
    }

    @Test
    void classifiesGeneratedClicksOfEveryPageAndInstantAsTheJsonTreeDoes() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            String page = i % 7 == 6 ? "/other" + i : Pages.ALL.get(i % 6);
            String text = ClickEventJson.toJson(new ClickEvent(random.nextLong(-62_167_219_200_000L, 253_402_300_799_999L), page));
            InputRecord fast = ClickEventJson.parse(text);
            assertThat(fast).as(text).isEqualTo(byTree(text));
            assertThat(fast).isInstanceOf(page.startsWith("/other") ? InputRecord.Invalid.class : InputRecord.Click.class);
        }
    }

    private static InvalidReason reasonOf(String text) {
        InputRecord record = ClickEventJson.parse(text);
        assertThat(record).isInstanceOf(InputRecord.Invalid.class);
        return ((InputRecord.Invalid) record).reason();
    }
}
