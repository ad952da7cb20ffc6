package com.example.playground.clickcount.testing;

import com.example.playground.clickcount.records.InputLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A bounded, checkpointed FLIP-27 source of a {@link ClickScenario} with one split per lane, read
 * like a consumer catching up on a backlog of several partitions: lane {@code i} goes to reader
 * {@code i % parallelism}, and each reader (a {@link SingleThreadMultiplexSourceReaderBase}, like
 * the Kafka and Kinesis readers) gets all its splits at once but fetches them one after the other,
 * each in big batches, starting the next split only {@code lag} after the previous one finished.
 * So one split is read completely (all its windows) before another split of the same reader
 * delivers its first record: a watermark generated per reader instead of per split jumps past the
 * lagging split, whose clicks are then late.
 */
public final class SkewedSplitsSource implements Source<InputLine, SkewedSplitsSource.LaneSplit, SkewedSplitsSource.Pending> {

    private static final long serialVersionUID = 1L;
    private static final int BATCH = 10_000;

    private final ClickScenario scenario;
    private final long lagMillis;

    public SkewedSplitsSource(ClickScenario scenario, Duration lag) {
        this.scenario = scenario;
        this.lagMillis = lag.toMillis();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<InputLine, LaneSplit> createReader(SourceReaderContext readerContext) {
        ClickScenario s = scenario;
        long lag = lagMillis;
        return new Reader(() -> new LaneReader(s, lag), new Configuration(), readerContext);
    }

    @Override
    public SplitEnumerator<LaneSplit, Pending> createEnumerator(SplitEnumeratorContext<LaneSplit> enumContext) {
        List<LaneSplit> splits = new ArrayList<>();
        for (int lane = 0; lane < scenario.lanes(); lane++) {
            long start = lane * scenario.slotsPerLane();
            splits.add(new LaneSplit(lane, start, start + scenario.slotsPerLane()));
        }
        return new Enumerator(enumContext, splits);
    }

    @Override
    public SplitEnumerator<LaneSplit, Pending> restoreEnumerator(
            SplitEnumeratorContext<LaneSplit> enumContext, Pending checkpoint) {
        return new Enumerator(enumContext, new ArrayList<>(checkpoint.splits()));
    }

    @Override
    public SimpleVersionedSerializer<LaneSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Pending> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /** Lane {@code lane}, records {@code [next, end)} of the scenario still to read. */
    public record LaneSplit(int lane, long next, long end) implements SourceSplit, Serializable {
        @Override
        public String splitId() {
            return "lane-" + lane;
        }
    }

    /** The enumerator's checkpoint: splits not yet assigned. */
    public record Pending(List<LaneSplit> splits) implements Serializable {}

    /** Mutable read position of one split. */
    static final class LaneState {
        final int lane;
        long next;
        final long end;

        LaneState(LaneSplit split) {
            this.lane = split.lane();
            this.next = split.next();
            this.end = split.end();
        }

        LaneSplit toSplit() {
            return new LaneSplit(lane, next, end);
        }
    }

    static final class Reader extends SingleThreadMultiplexSourceReaderBase<String, InputLine, LaneSplit, LaneState> {

        Reader(java.util.function.Supplier<SplitReader<String, LaneSplit>> splitReader, Configuration config,
                SourceReaderContext context) {
            super(splitReader, (String record, SourceOutput<InputLine> output, LaneState state) -> {
                output.collect(new InputLine(record));
                state.next++;
            }, config, context);
        }

        @Override
        protected void onSplitFinished(Map<String, LaneState> finishedSplitIds) {}

        @Override
        protected LaneState initializedState(LaneSplit split) {
            return new LaneState(split);
        }

        @Override
        protected LaneSplit toSplitType(String splitId, LaneState splitState) {
            return splitState.toSplit();
        }
    }

    /** Fetches its splits strictly one after the other, in batches of up to {@value #BATCH} records. */
    static final class LaneReader implements SplitReader<String, LaneSplit> {

        private final ClickScenario scenario;
        private final long lagMillis;
        private final Deque<LaneState> lanes = new ArrayDeque<>();
        private long nextLaneReadyAt = Long.MIN_VALUE;

        LaneReader(ClickScenario scenario, long lagMillis) {
            this.scenario = scenario;
            this.lagMillis = lagMillis;
        }

        @Override
        public RecordsWithSplitIds<String> fetch() throws IOException {
            RecordsBySplits.Builder<String> batch = new RecordsBySplits.Builder<>();
            LaneState lane = lanes.peekFirst();
            if (lane == null) {
                return batch.build();
            }
            long wait = nextLaneReadyAt - System.currentTimeMillis();
            if (nextLaneReadyAt != Long.MIN_VALUE && wait > 0) {
                try {
                    Thread.sleep(Math.min(wait, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                return batch.build();
            }
            String splitId = lane.toSplit().splitId();
            long until = Math.min(lane.end, lane.next + BATCH);
            for (long i = lane.next; i < until; i++) {
                batch.add(splitId, scenario.recordAt(i));
            }
            lane.next = until;
            if (lane.next >= lane.end) {
                batch.addFinishedSplit(splitId);
                lanes.pollFirst();
                nextLaneReadyAt = System.currentTimeMillis() + lagMillis;
            }
            return batch.build();
        }

        @Override
        public void handleSplitsChanges(SplitsChange<LaneSplit> splitsChanges) {
            if (splitsChanges instanceof SplitsAddition<LaneSplit> addition) {
                addition.splits().forEach(split -> lanes.addLast(new LaneState(split)));
            }
        }

        @Override
        public void wakeUp() {}

        @Override
        public void close() {}
    }

    static final class Enumerator implements SplitEnumerator<LaneSplit, Pending> {

        private final SplitEnumeratorContext<LaneSplit> context;
        private final List<LaneSplit> pending;

        Enumerator(SplitEnumeratorContext<LaneSplit> context, List<LaneSplit> pending) {
            this.context = context;
            this.pending = pending;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<LaneSplit> splits, int subtaskId) {
            pending.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            int parallelism = context.currentParallelism();
            List<LaneSplit> mine = new ArrayList<>();
            pending.removeIf(split -> {
                if (split.lane() % parallelism == subtaskId) {
                    mine.add(split);
                    return true;
                }
                return false;
            });
            if (!mine.isEmpty()) {
                context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, mine)));
            }
            context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public Pending snapshotState(long checkpointId) {
            return new Pending(List.copyOf(pending));
        }

        @Override
        public void close() {}
    }

    static final class SplitSerializer implements SimpleVersionedSerializer<LaneSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(LaneSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(out, split);
            }
            return bytes.toByteArray();
        }

        @Override
        public LaneSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }

        static void write(DataOutputStream out, LaneSplit split) throws IOException {
            out.writeInt(split.lane());
            out.writeLong(split.next());
            out.writeLong(split.end());
        }

        static LaneSplit read(DataInputStream in) throws IOException {
            return new LaneSplit(in.readInt(), in.readLong(), in.readLong());
        }
    }

    static final class PendingSerializer implements SimpleVersionedSerializer<Pending> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Pending pending) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(pending.splits().size());
                for (LaneSplit split : pending.splits()) {
                    SplitSerializer.write(out, split);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Pending deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<LaneSplit> splits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    splits.add(SplitSerializer.read(in));
                }
                return new Pending(splits);
            }
        }
    }
}
