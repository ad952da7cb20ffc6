package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Slows the pipeline down on purpose during even minutes (wall clock, UTC), so that backpressure
 * builds up and can be watched in the Web UI and metrics; passes clicks through unchanged.
 */
public class BackpressureMap implements MapFunction<ClickEvent, ClickEvent> {

    private static final long serialVersionUID = 1L;

    /** Pause per record during even minutes. */
    public static final long PAUSE_MILLIS = 10;

    private final ParseClickEvents.SerializableClock clock;

    public BackpressureMap() {
        this(System::currentTimeMillis);
    }

    public BackpressureMap(ParseClickEvents.SerializableClock clock) {
        this.clock = clock;
    }

    /** Whether records are slowed down at the given instant. */
    public static boolean isSlowMinute(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC).getMinute() % 2 == 0;
    }

    @Override
    public ClickEvent map(ClickEvent value) throws InterruptedException {
        if (isSlowMinute(((LongSupplier) clock).getAsLong())) {
            Thread.sleep(PAUSE_MILLIS);
        }
        return value;
    }
}
