package com.example.playground.clickcount.testing;

import com.example.playground.clickcount.records.InputLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * A bounded, checkpointed FLIP-27 source that plays one script per split (a Kafka partition, a
 * Kinesis shard): each script is a list of input lines, pauses ({@link #pause}) and waits for the
 * watermark ({@link #awaitSinkWatermark}). Split {@code i} goes to reader {@code i % parallelism};
 * the reader is a {@link SingleThreadMultiplexSourceReaderBase} like the Kafka and Kinesis readers,
 * so event-time watermarks are generated per split. A pause or a wait holds back the rest of its
 * split (other splits of the same reader go on): a test can thus make sure that the watermark has
 * passed a window before the next line arrives.
 *
 * <p>Scripts live in a static registry (the MiniCluster shares the test's JVM), so large scripts
 * are not shipped with the job graph.
 */
public final class ScriptedSplitsSource
        implements Source<InputLine, ScriptedSplitsSource.ScriptSplit, ScriptedSplitsSource.Pending> {

    private static final long serialVersionUID = 1L;
    private static final int BATCH = 1_000;
    private static final String PAUSE = "\u0000pause:";
    private static final String AWAIT = "\u0000await:";
    /** How long a wait for the watermark holds its split at most (then the script goes on). */
    private static final long AWAIT_TIMEOUT_MILLIS = 60_000;
    private static final Map<String, List<List<String>>> SCRIPTS = new java.util.concurrent.ConcurrentHashMap<>();

    private final String name;
    private final int splits;

    /**
     * @param name unique per test
     * @param scripts one script per split: lines, and pauses made with {@link #pause}
     */
    public ScriptedSplitsSource(String name, List<List<String>> scripts) {
        this.name = name;
        this.splits = scripts.size();
        List<List<String>> copy = new ArrayList<>();
        scripts.forEach(script -> copy.add(List.copyOf(script)));
        SCRIPTS.put(name, List.copyOf(copy));
    }

    /** A script step that holds back the rest of its split for {@code millis}. */
    public static String pause(long millis) {
        return PAUSE + millis;
    }

    /**
     * A script step that holds back the rest of its split until the {@link RecordingSink} named
     * {@code store} has received a watermark of at least {@code watermark} (the ClickEvent
     * Counter's watermark, so every window ending at or before it has fired), for at most a minute.
     */
    public static String awaitSinkWatermark(String store, long watermark) {
        return AWAIT + watermark + ":" + store;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<InputLine, ScriptSplit> createReader(SourceReaderContext readerContext) {
        String scripts = name;
        return new Reader(() -> new ScriptReader(scripts), new Configuration(), readerContext);
    }

    @Override
    public SplitEnumerator<ScriptSplit, Pending> createEnumerator(SplitEnumeratorContext<ScriptSplit> enumContext) {
        List<ScriptSplit> all = new ArrayList<>();
        for (int i = 0; i < splits; i++) {
            all.add(new ScriptSplit(i, 0));
        }
        return new Enumerator(enumContext, all);
    }

    @Override
    public SplitEnumerator<ScriptSplit, Pending> restoreEnumerator(
            SplitEnumeratorContext<ScriptSplit> enumContext, Pending checkpoint) {
        return new Enumerator(enumContext, new ArrayList<>(checkpoint.splits()));
    }

    @Override
    public SimpleVersionedSerializer<ScriptSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Pending> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /** Split {@code index}, steps from {@code next} on still to play. */
    public record ScriptSplit(int index, int next) implements SourceSplit, Serializable {
        @Override
        public String splitId() {
            return "script-" + index;
        }
    }

    /** The enumerator's checkpoint: splits not yet assigned. */
    public record Pending(List<ScriptSplit> splits) implements Serializable {}

    /** A line and its step index (so the emitter can advance the checkpointed position). */
    record Step(int index, String line) {}

    static final class SplitState {
        final int index;
        int next;

        SplitState(ScriptSplit split) {
            this.index = split.index();
            this.next = split.next();
        }
    }

    static final class Reader extends SingleThreadMultiplexSourceReaderBase<Step, InputLine, ScriptSplit, SplitState> {

        Reader(java.util.function.Supplier<SplitReader<Step, ScriptSplit>> splitReader, Configuration config,
                SourceReaderContext context) {
            super(splitReader, (Step step, SourceOutput<InputLine> output, SplitState state) -> {
                output.collect(new InputLine(step.line()));
                state.next = step.index() + 1;
            }, config, context);
        }

        @Override
        protected void onSplitFinished(Map<String, SplitState> finishedSplitIds) {}

        @Override
        protected SplitState initializedState(ScriptSplit split) {
            return new SplitState(split);
        }

        @Override
        protected ScriptSplit toSplitType(String splitId, SplitState state) {
            return new ScriptSplit(state.index, state.next);
        }
    }

    /** Plays its splits side by side, each up to its next pause. */
    static final class ScriptReader implements SplitReader<Step, ScriptSplit> {

        private final String scripts;
        /** split id → [next step, ready at (epoch ms), waiting since (epoch ms) or MIN_VALUE] */
        private final Map<String, long[]> positions = new LinkedHashMap<>();
        private final Map<String, List<String>> steps = new LinkedHashMap<>();

        ScriptReader(String scripts) {
            this.scripts = scripts;
        }

        @Override
        public RecordsWithSplitIds<Step> fetch() throws IOException {
            RecordsBySplits.Builder<Step> batch = new RecordsBySplits.Builder<>();
            long now = System.currentTimeMillis();
            long earliest = Long.MAX_VALUE;
            boolean emitted = false;
            for (Iterator<Map.Entry<String, long[]>> it = positions.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, long[]> entry = it.next();
                String splitId = entry.getKey();
                long[] position = entry.getValue();
                List<String> script = steps.get(splitId);
                if (position[1] > now) {
                    earliest = Math.min(earliest, position[1]);
                    continue;
                }
                int count = 0;
                while (position[0] < script.size() && count < BATCH) {
                    String step = script.get((int) position[0]);
                    if (step.startsWith(PAUSE)) {
                        position[0]++;
                        position[1] = now + Long.parseLong(step.substring(PAUSE.length()));
                        earliest = Math.min(earliest, position[1]);
                        break;
                    }
                    if (step.startsWith(AWAIT)) {
                        if (position[2] == Long.MIN_VALUE) {
                            position[2] = now;
                        }
                        if (!watermarkReached(step) && now - position[2] < AWAIT_TIMEOUT_MILLIS) {
                            position[1] = now + 10;
                            earliest = Math.min(earliest, position[1]);
                            break;
                        }
                        position[0]++;
                        position[2] = Long.MIN_VALUE;
                        continue;
                    }
                    batch.add(splitId, new Step((int) position[0], step));
                    position[0]++;
                    count++;
                    emitted = true;
                }
                if (position[0] >= script.size() && position[1] <= now) {
                    batch.addFinishedSplit(splitId);
                    it.remove();
                    emitted = true;
                }
            }
            if (!emitted && earliest != Long.MAX_VALUE) {
                try {
                    Thread.sleep(Math.max(1, Math.min(earliest - now, 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return batch.build();
        }

        private static boolean watermarkReached(String step) {
            String[] parts = step.substring(AWAIT.length()).split(":", 2);
            long watermark = Long.parseLong(parts[0]);
            return RecordingSink.watermarks(parts[1]).stream().anyMatch(w -> w.watermark() >= watermark);
        }

        @Override
        public void handleSplitsChanges(SplitsChange<ScriptSplit> splitsChanges) {
            if (splitsChanges instanceof SplitsAddition<ScriptSplit> addition) {
                for (ScriptSplit split : addition.splits()) {
                    positions.put(split.splitId(), new long[] {split.next(), Long.MIN_VALUE, Long.MIN_VALUE});
                    steps.put(split.splitId(), SCRIPTS.get(scripts).get(split.index()));
                }
            }
        }

        @Override
        public void wakeUp() {}

        @Override
        public void close() {}
    }

    static final class Enumerator implements SplitEnumerator<ScriptSplit, Pending> {

        private final SplitEnumeratorContext<ScriptSplit> context;
        private final List<ScriptSplit> pending;

        Enumerator(SplitEnumeratorContext<ScriptSplit> context, List<ScriptSplit> pending) {
            this.context = context;
            this.pending = pending;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<ScriptSplit> splits, int subtaskId) {
            pending.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            int parallelism = context.currentParallelism();
            List<ScriptSplit> mine = new ArrayList<>();
            pending.removeIf(split -> {
                if (split.index() % parallelism == subtaskId) {
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

    static final class SplitSerializer implements SimpleVersionedSerializer<ScriptSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ScriptSplit split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(split.index());
                out.writeInt(split.next());
            }
            return bytes.toByteArray();
        }

        @Override
        public ScriptSplit deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return new ScriptSplit(in.readInt(), in.readInt());
            }
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
                for (ScriptSplit split : pending.splits()) {
                    out.writeInt(split.index());
                    out.writeInt(split.next());
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Pending deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<ScriptSplit> splits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    splits.add(new ScriptSplit(in.readInt(), in.readInt()));
                }
                return new Pending(splits);
            }
        }
    }
}
