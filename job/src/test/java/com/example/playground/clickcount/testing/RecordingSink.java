package com.example.playground.clickcount.testing;

import com.example.playground.clickcount.records.ClickEventStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A test sink that records, with the wall-clock time of their arrival, every result with its
 * record timestamp (what the Kafka sink would send as record timestamp) and every watermark that
 * reaches the sink (the watermark of the ClickEvent Counter). For runs without failures: a result
 * the job emits twice is recorded twice.
 */
public final class RecordingSink implements Sink<ClickEventStatistics> {

    private static final long serialVersionUID = 1L;
    public static final long BROKER_MAX_AHEAD_MILLIS = 3_600_000;
    private static final Map<String, List<Result>> RESULTS = new ConcurrentHashMap<>();
    private static final Map<String, List<Observed>> WATERMARKS = new ConcurrentHashMap<>();

    /** A result, its record timestamp ({@code null} if none) and when the sink received it. */
    public record Result(ClickEventStatistics statistics, Long timestamp, long receivedAt) {}

    /** A watermark and when the sink received it. */
    public record Observed(long watermark, long receivedAt) {}

    private final String store;

    public RecordingSink(String store) {
        this.store = store;
        RESULTS.put(store, java.util.Collections.synchronizedList(new ArrayList<>()));
        WATERMARKS.put(store, java.util.Collections.synchronizedList(new ArrayList<>()));
    }

    public static List<Result> results(String store) {
        List<Result> results = RESULTS.get(store);
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    public static List<ClickEventStatistics> statistics(String store) {
        return results(store).stream().map(Result::statistics).toList();
    }

    public static List<Observed> watermarks(String store) {
        List<Observed> watermarks = WATERMARKS.get(store);
        synchronized (watermarks) {
            return List.copyOf(watermarks);
        }
    }

    @Override
    public SinkWriter<ClickEventStatistics> createWriter(WriterInitContext context) {
        String name = store;
        return new SinkWriter<>() {
            @Override
            public void write(ClickEventStatistics element, Context ctx) {
                long now = System.currentTimeMillis();
                if (ctx.timestamp() != null && ctx.timestamp() > now + BROKER_MAX_AHEAD_MILLIS) {
                    throw new IllegalStateException("InvalidTimestampException (as a Kafka broker): record timestamp "
                            + ctx.timestamp() + " of " + element + " is more than 1 h ahead of " + now);
                }
                RESULTS.get(name).add(new Result(element, ctx.timestamp(), now));
            }

            @Override
            public void writeWatermark(Watermark watermark) {
                WATERMARKS.get(name).add(new Observed(watermark.getTimestamp(), System.currentTimeMillis()));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
