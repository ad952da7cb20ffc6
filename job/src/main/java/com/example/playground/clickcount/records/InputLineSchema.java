package com.example.playground.clickcount.records;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;

/**
 * Bytes to a UTF-8 string, never failing: a null payload (e.g. a Kafka tombstone) becomes the empty
 * string and invalid UTF-8 becomes replacement characters, so the parser counts them as malformed.
 */
public class LenientStringSchema extends AbstractDeserializationSchema<String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String deserialize(byte[] message) {
        return message == null ? "" : new String(message, StandardCharsets.UTF_8);
    }

    @Override
    public boolean isEndOfStream(String nextElement) {
        return false;
    }
}
