package com.example.playground.clickcount.config;

/** Which streaming service carries the input and output records. */
public enum StreamsKind {
    KINESIS,
    KAFKA
}
