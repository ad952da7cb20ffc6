package com.example.playground.clickcount.testing;

import com.example.playground.clickcount.ClickCountPipeline;
import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputLineSerializer;
import com.example.playground.clickcount.records.Pages;
import com.example.playground.clickcount.records.Timestamps;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A deterministic input stream: index i maps to the same record on every (re)read, so replays after
 * a failure or a savepoint restore see exactly what the first read saw.
 *
 * <p>The index range is cut into {@link #LANES} lanes of equal length (the data generator gives each
 * reader a contiguous range, so with parallelism 2 each reader walks one lane); every lane covers
 * the same event-time range, so the readers' watermarks advance together and no click is late
 * (unless a source reads one lane far ahead of another: see {@link SkewedSplitsSource}).
 * Within a lane, slot k is garbage (counted and dropped by the job) when {@code k % 100 == 99}, the
 * {@code fail} control record at {@link #controlSlot} in lane 0 when fault injection is on, and a
 * click otherwise. Every window of every page gets exactly {@code perLanePerWindow * lanes} clicks.
 */
public final class ClickScenario implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Lanes of the default scenario: one per reader at parallelism 2. */
    public static final int LANES = 2;
    public static final long BASE = Timestamps.parse("2026-11-22T21:30:00.000Z");
    public static final long WINDOW = ClickCountPipeline.WINDOW_SIZE.toMillis();

    /** issuedAt of each scenario's control record, frozen at its first generation (like a stored record). */
    private static final Map<String, Long> ISSUED_AT = new ConcurrentHashMap<>();

    private final String id;
    private final int perLanePerWindow;
    private final int windows;
    private final long slotsPerLane;
    private final long controlSlot;
    private final int lanes;

    /**
     * @param id unique per test, keys the frozen control record
     * @param perLanePerWindow clicks per page, window and lane
     * @param windows number of 15 s windows
     * @param withControlRecord whether lane 0 carries a {@code fail} control record half-way
     */
    public ClickScenario(String id, int perLanePerWindow, int windows, boolean withControlRecord) {
        this(id, perLanePerWindow, windows, withControlRecord, LANES);
    }

    /** As above with {@code lanes} lanes (e.g. one per split of a multi-split test source). */
    public ClickScenario(String id, int perLanePerWindow, int windows, boolean withControlRecord, int lanes) {
        this.id = id;
        this.lanes = lanes;
        this.perLanePerWindow = perLanePerWindow;
        this.windows = windows;
        long clicks = (long) Pages.ALL.size() * perLanePerWindow * windows;
        long slots = clicks;
        while (slots - slots / 100 < clicks) {
            slots++;
        }
        this.slotsPerLane = slots;
        // a garbage slot near the middle of lane 0
        this.controlSlot = withControlRecord ? (slots / 2 / 100) * 100 + 99 : -1;
    }

    public long totalRecords() {
        return slotsPerLane * lanes;
    }

    public int lanes() {
        return lanes;
    }

    public long slotsPerLane() {
        return slotsPerLane;
    }

    public String recordAt(long index) {
        long lane = index / slotsPerLane;
        long k = index % slotsPerLane;
        if (k % 100 == 99) {
            if (lane == 0 && k == controlSlot) {
                long issuedAt = ISSUED_AT.computeIfAbsent(id, ignored -> System.currentTimeMillis());
                return ClickEventJson.controlFail(id, issuedAt);
            }
            return k % 200 == 99 ? "{not json" : "{\"timestamp\":\"2026-11-22T21:30:00.000Z\",\"page\":\"/checkout\"}";
        }
        long click = k - k / 100;
        int perWindow = Pages.ALL.size() * perLanePerWindow;
        long window = click / perWindow;
        long within = click % perWindow;
        String page = Pages.ALL.get((int) (within % Pages.ALL.size()));
        long timestamp = BASE + window * WINDOW + within * WINDOW / perWindow;
        return ClickEventJson.toJson(new ClickEvent(timestamp, page));
    }

    /** {@link #recordAt} as the line a source hands on. */
    public InputLine lineAt(long index) {
        return new InputLine(recordAt(index));
    }

    /** Whether the control record has been read (generated) at least once. */
    public boolean controlRecordIssued() {
        return ISSUED_AT.containsKey(id);
    }

    public List<ClickEventStatistics> expected() {
        List<ClickEventStatistics> expected = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            for (String page : Pages.ALL) {
                long start = BASE + w * WINDOW;
                expected.add(new ClickEventStatistics(start, start + WINDOW, page, (long) perLanePerWindow * lanes));
            }
        }
        return expected;
    }

    /** A checkpointed, bounded FLIP-27 source of this scenario, optionally rate-limited. */
    public DataGeneratorSource<InputLine> source(double recordsPerSecond) {
        ClickScenario scenario = this;
        GeneratorFunction<Long, InputLine> generator = scenario::lineAt;
        RateLimiterStrategy<?> rate = recordsPerSecond > 0
                ? RateLimiterStrategy.perSecond(recordsPerSecond)
                : RateLimiterStrategy.noOp();
        return new DataGeneratorSource<>(generator, totalRecords(), rate, InputLineSerializer.TYPE_INFO);
    }
}
