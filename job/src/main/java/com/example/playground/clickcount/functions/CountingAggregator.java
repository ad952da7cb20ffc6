package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Counts the clicks of a window incrementally (the window keeps one long, not the clicks); a record
 * of the pre-aggregator adds its count.
 */
public class CountingAggregator implements AggregateFunction<ClickEvent, Long, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long createAccumulator() {
        return 0L;
    }

    @Override
    public Long add(ClickEvent value, Long accumulator) {
        return accumulator + value.getCount();
    }

    @Override
    public Long getResult(Long accumulator) {
        return accumulator;
    }

    @Override
    public Long merge(Long a, Long b) {
        return a + b;
    }
}
