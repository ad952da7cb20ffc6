package com.example.playground.clickcount.records;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;

/**
 * Bytes to an {@link InputLine} of UTF-8 text, never failing: a null payload (e.g. a Kafka
 * tombstone) becomes the empty line and invalid UTF-8 becomes replacement characters, so the parser
 * counts them as malformed.
 */
public class InputLineSchema extends AbstractDeserializationSchema<InputLine> {

    private static final long serialVersionUID = 1L;

    public InputLineSchema() {
        super(InputLineSerializer.TYPE_INFO);
    }

    @Override
    public InputLine deserialize(byte[] message) {
        return new InputLine(message == null ? "" : new String(message, StandardCharsets.UTF_8));
    }

    @Override
    public boolean isEndOfStream(InputLine nextElement) {
        return false;
    }
}
