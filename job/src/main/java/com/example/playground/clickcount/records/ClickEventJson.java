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
        InputRecord canonical = parseCanonicalClick(text);
        if (canonical != null) {
            return canonical;
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

    private static final String CLICK_PREFIX = "{\"timestamp\":\"";
    private static final String CLICK_MIDDLE = "\",\"page\":\"";
    private static final String CLICK_SUFFIX = "\"}";

    /**
     * The fast path of {@link #parse} for a click in exactly the form the generators write,
     * {@code {"timestamp":"…","page":"…"}} with no whitespace, no escapes and no other field: such
     * a line is a JSON object with these two string fields, so it is classified as the general
     * path would classify it, without building a JSON tree (which took most of the source's time
     * in a catch-up run; docs/benchmarks.md). Anything else returns {@code null} and goes the
     * general way.
     */
    private static InputRecord parseCanonicalClick(String text) {
        int length = text.length();
        int timestampStart = CLICK_PREFIX.length();
        if (!text.startsWith(CLICK_PREFIX) || !text.endsWith(CLICK_SUFFIX)) {
            return null;
        }
        int timestampEnd = text.indexOf('"', timestampStart);
        if (timestampEnd < 0 || !text.startsWith(CLICK_MIDDLE, timestampEnd)) {
            return null;
        }
        int pageStart = timestampEnd + CLICK_MIDDLE.length();
        int pageEnd = length - CLICK_SUFFIX.length();
        if (pageEnd < pageStart || !plainString(text, timestampStart, timestampEnd) || !plainString(text, pageStart, pageEnd)) {
            return null;
        }
        return parseClick(text.substring(pageStart, pageEnd), text.substring(timestampStart, timestampEnd));
    }

    /** Whether {@code text[from, to)} is the content of a JSON string as it stands: no quote, backslash or control character. */
    private static boolean plainString(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                return false;
            }
        }
        return true;
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
        return parseClick(page.textValue(), timestamp.textValue());
    }

    private static InputRecord parseClick(String page, String timestamp) {
        if (!Pages.isKnown(page)) {
            return new InputRecord.Invalid(InvalidReason.UNKNOWN_PAGE, "unknown page " + page);
        }
        try {
            long millis = Timestamps.parse(timestamp);
            return new InputRecord.Click(new ClickEvent(millis, page));
        } catch (DateTimeParseException e) {
            return new InputRecord.Invalid(InvalidReason.INVALID_TIMESTAMP, "unparsable timestamp " + timestamp);
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
