package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/** Event time of a click is its {@code timestamp}. */
public class ClickEventTimestampAssigner implements SerializableTimestampAssigner<ClickEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(ClickEvent element, long recordTimestamp) {
        return element.getTimestamp();
    }
}
