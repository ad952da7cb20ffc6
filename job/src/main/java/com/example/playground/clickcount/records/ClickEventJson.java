package com.example.playground.clickcount.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.format.DateTimeParseException;

/**
 * The JSON contracts of the playground.
 *
 * <pre>
 * ClickEvent           {"timestamp":"2026-11-22T21:30:00.015Z","page":"/help"}
 * ClickEventStatistics {"windowStart":"…Z","windowEnd":"…Z","page":"/help","count":1000}
 * control record       {"control":"fail","id":"&lt;uuid&gt;","issuedAt":"2026-11-22T21:30:00.000Z"}
 * </pre>
 *
 * <p>Thread-safe: {@link ObjectMapper} is safe for concurrent use once configured.
 */
public final class ClickEventJson {

    public static final String CONTROL_FAIL = "fail";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ClickEventJson() {}

    /** Classifies one input line; never throws. */
    public static InputRecord parse(String text) {
        if (text == null || text.isBlank()) {
            return new InputRecord.Invalid(InvalidReason.MALFORMED_JSON, "empty record");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new InputRecord.Invalid(InvalidReason.MALFORMED_JSON, e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new InputRecord.Invalid(InvalidReason.MALFORMED_JSON, "not a JSON object");
        }
        if (node.has("control")) {
            return parseControl(node);
        }
        return parseClick(node);
    }

    private static InputRecord parseClick(JsonNode node) {
        JsonNode page = node.get("page");
        JsonNode timestamp = node.get("timestamp");
        if (page == null || !page.isTextual()) {
            return new InputRecord.Invalid(InvalidReason.MISSING_FIELD, "no string field 'page'");
        }
        if (timestamp == null || !timestamp.isTextual()) {
            return new InputRecord.Invalid(InvalidReason.MISSING_FIELD, "no string field 'timestamp'");
        }
        if (!Pages.isKnown(page.textValue())) {
            return new InputRecord.Invalid(InvalidReason.UNKNOWN_PAGE, "unknown page " + page.textValue());
        }
        try {
            long millis = Timestamps.parse(timestamp.textValue());
            return new InputRecord.Click(new ClickEvent(millis, page.textValue()));
        } catch (DateTimeParseException e) {
            return new InputRecord.Invalid(
                    InvalidReason.INVALID_TIMESTAMP, "unparsable timestamp " + timestamp.textValue());
        }
    }

    private static InputRecord parseControl(JsonNode node) {
        JsonNode command = node.get("control");
        JsonNode id = node.get("id");
        JsonNode issuedAt = node.get("issuedAt");
        if (command == null || !CONTROL_FAIL.equals(command.asText(null))) {
            return new InputRecord.Invalid(
                    InvalidReason.INVALID_CONTROL_RECORD, "unknown control command " + command);
        }
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            return new InputRecord.Invalid(InvalidReason.INVALID_CONTROL_RECORD, "control record without id");
        }
        if (issuedAt == null || !issuedAt.isTextual()) {
            return new InputRecord.Invalid(
                    InvalidReason.INVALID_CONTROL_RECORD, "control record without issuedAt");
        }
        try {
            return new InputRecord.Control(
                    command.textValue(), id.textValue(), Timestamps.parse(issuedAt.textValue()));
        } catch (DateTimeParseException e) {
            return new InputRecord.Invalid(
                    InvalidReason.INVALID_CONTROL_RECORD, "unparsable issuedAt " + issuedAt.textValue());
        }
    }

    /** {@code {"timestamp":"…","page":"…"}}. */
    public static String toJson(ClickEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("timestamp", Timestamps.format(event.getTimestamp()));
        node.put("page", event.getPage());
        return node.toString();
    }

    /** {@code {"windowStart":"…","windowEnd":"…","page":"…","count":n}} in that field order. */
    public static String toJson(ClickEventStatistics statistics) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("windowStart", Timestamps.format(statistics.getWindowStart()));
        node.put("windowEnd", Timestamps.format(statistics.getWindowEnd()));
        node.put("page", statistics.getPage());
        node.put("count", statistics.getCount());
        return node.toString();
    }

    /** {@code {"control":"fail","id":"…","issuedAt":"…"}}. */
    public static String controlFail(String id, long issuedAtMillis) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("control", CONTROL_FAIL);
        node.put("id", id);
        node.put("issuedAt", Timestamps.format(issuedAtMillis));
        return node.toString();
    }

    /**
     * Reads a statistics record back (used by tests and tools).
     *
     * @throws IllegalArgumentException if the text is no statistics record
     */
    public static ClickEventStatistics parseStatistics(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return new ClickEventStatistics(
                    Timestamps.parse(node.get("windowStart").textValue()),
                    Timestamps.parse(node.get("windowEnd").textValue()),
                    node.get("page").textValue(),
                    node.get("count").longValue());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a ClickEventStatistics record: " + text, e);
        }
    }
}
