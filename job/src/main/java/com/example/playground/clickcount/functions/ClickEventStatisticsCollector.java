package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEventStatistics;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Attaches page and window bounds to the count of a window. */
public class ClickEventStatisticsCollector
        extends ProcessWindowFunction<Long, ClickEventStatistics, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    @Override
    public void process(String page, Context context, Iterable<Long> counts, Collector<ClickEventStatistics> out) {
        long total = 0;
        for (Long count : counts) {
            total += count;
        }
        TimeWindow window = context.window();
        out.collect(new ClickEventStatistics(window.getStart(), window.getEnd(), page, total));
    }
}
