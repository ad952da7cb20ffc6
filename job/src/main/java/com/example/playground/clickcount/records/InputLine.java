package com.example.playground.clickcount.records;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One line of the input stream as the source hands it on: its text, and what it is, classified by
 * {@link ClickEventJson#parse} once, on first use.
 *
 * <p>The source's timestamp assigner and the ClickEvent Parser both need the classification; they
 * run in one operator chain on the same object (the serializer's {@code copy} returns it, as the
 * text is immutable and the classification a function of the text), so each line is parsed once.
 * On the wire (never in state) only the text travels: {@link InputLineSerializer}.
 */
@TypeInfo(InputLineSerializer.TypeInfoFactory.class)
public final class InputLine {

    private final String text;
    private InputRecord record;

    public InputLine(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    public String text() {
        return text;
    }

    /** What the line is: a click, a control record or invalid input (parsed on the first call only). */
    public InputRecord record() {
        InputRecord parsed = record;
        if (parsed == null) {
            parsed = ClickEventJson.parse(text);
            record = parsed;
        }
        return parsed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputLine other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
