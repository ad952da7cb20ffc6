package com.example.playground.clickcount.records;

/** What one line of the input stream turned out to be. */
public sealed interface InputRecord {

    /** A valid click. */
    record Click(ClickEvent event) implements InputRecord {}

    /** A control record, e.g. {@code {"control":"fail","id":"…","issuedAt":"…"}}. */
    record Control(String command, String id, long issuedAt) implements InputRecord {}

    /** Input that is dropped, with the reason and a short human-readable detail. */
    record Invalid(InvalidReason reason, String detail) implements InputRecord {}
}
