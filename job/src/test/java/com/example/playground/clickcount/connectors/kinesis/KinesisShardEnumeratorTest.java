package com.example.playground.clickcount.connectors.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.junit.jupiter.api.Test;

/** Shard discovery and assignment, with a scripted ListShards and a context that runs discovery on demand. */
class KinesisShardEnumeratorTest {

    private static final String PARENT = "shardId-000000000000";
    private static final String CHILD_1 = "shardId-000000000001";
    private static final String CHILD_2 = "shardId-000000000002";

    /** Records assignments; runs the periodic discovery only when the test says so. */
    private static final class RecordingContext implements SplitEnumeratorContext<KinesisShardSplit> {
        final int parallelism;
        final Map<Integer, ReaderInfo> readers = new HashMap<>();
        final List<Map<Integer, List<KinesisShardSplit>>> assignments = new ArrayList<>();
        Callable<Object> periodic;
        BiConsumer<Object, Throwable> periodicHandler;
        long period;

        RecordingContext(int parallelism) {
            this.parallelism = parallelism;
        }

        void register(int subtask) {
            readers.put(subtask, new ReaderInfo(subtask, "localhost"));
        }

        void discover() throws Exception {
            Object result;
            try {
                result = periodic.call();
            } catch (Exception e) {
                periodicHandler.accept(null, e);
                return;
            }
            periodicHandler.accept(result, null);
        }

        /** Subtask each shard was assigned to, over all assignments, in order. */
        List<String> assigned() {
            List<String> out = new ArrayList<>();
            for (Map<Integer, List<KinesisShardSplit>> assignment : assignments) {
                assignment.forEach((subtask, splits) -> splits.forEach(split -> {
                    assertThat(split.lastSequenceNumber()).as("a new shard starts at the initial position").isNull();
                    out.add(split.shardId() + "->" + subtask);
                }));
            }
            return out;
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int currentParallelism() {
            return parallelism;
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return Map.copyOf(readers);
        }

        @Override
        public void assignSplits(SplitsAssignment<KinesisShardSplit> newSplitAssignments) {
            assignments.add(Map.copyOf(newSplitAssignments.assignment()));
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            throw new UnsupportedOperationException("the source is unbounded");
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
            this.periodic = (Callable<Object>) callable;
            this.periodicHandler = (BiConsumer<Object, Throwable>) handler;
            this.period = period;
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }

    private static String owner(String shardId, int parallelism) {
        return shardId + "->" + Math.floorMod(shardId.hashCode(), parallelism);
    }

    @Test
    void childShardsOfAReshardAreAssignedOnTheNextDiscoveryAndTheParentIsNotAssignedAgain() throws Exception {
        StubKinesisClient client = new StubKinesisClient().lists(PARENT).lists(PARENT, CHILD_1, CHILD_2);
        RecordingContext context = new RecordingContext(2);
        context.register(0);
        context.register(1);
        KinesisShardEnumerator enumerator = new KinesisShardEnumerator(
                context, KinesisShardSplitReaderTest.config(), () -> client, new KinesisEnumeratorState(Set.of(), List.of()), false);

        enumerator.start();
        context.discover();

        assertThat(context.period).isEqualTo(KinesisShardEnumerator.DISCOVERY_INTERVAL_MILLIS);
        assertThat(context.assigned()).containsExactly(owner(PARENT, 2));

        context.discover();

        assertThat(context.assigned()).containsExactlyInAnyOrder(owner(PARENT, 2), owner(CHILD_1, 2), owner(CHILD_2, 2));
        assertThat(client.listShardsRequests).hasSize(2).allSatisfy(request ->
                assertThat(request.streamARN()).isEqualTo(KinesisShardSplitReaderTest.config().inputStreamArn()));
        KinesisEnumeratorState state = enumerator.snapshotState(1L);
        assertThat(state.assignedShardIds()).containsExactlyInAnyOrder(PARENT, CHILD_1, CHILD_2);
        assertThat(state.pendingSplits()).isEmpty();

        enumerator.close();
        assertThat(client.closed).isTrue();
    }

    @Test
    void shardsOfAReaderNotYetRegisteredWaitInTheCheckpointUntilItRegisters() throws Exception {
        StubKinesisClient client = new StubKinesisClient().lists(PARENT, CHILD_1, CHILD_2);
        RecordingContext context = new RecordingContext(2);
        KinesisShardEnumerator enumerator = new KinesisShardEnumerator(
                context, KinesisShardSplitReaderTest.config(), () -> client, new KinesisEnumeratorState(Set.of(), List.of()), false);
        enumerator.start();

        context.discover();

        assertThat(context.assigned()).isEmpty();
        assertThat(enumerator.snapshotState(1L).pendingSplits()).extracting(KinesisShardSplit::shardId)
                .containsExactlyInAnyOrder(PARENT, CHILD_1, CHILD_2);

        context.register(0);
        enumerator.addReader(0);
        context.register(1);
        enumerator.addReader(1);
        context.discover();

        assertThat(context.assigned()).containsExactlyInAnyOrder(owner(PARENT, 2), owner(CHILD_1, 2), owner(CHILD_2, 2));
        assertThat(enumerator.snapshotState(2L).pendingSplits()).isEmpty();
        enumerator.close();
    }

    /** The positions each shard was assigned with, over all assignments, in order. */
    private static List<KinesisShardSplit> assignedSplits(RecordingContext context) {
        List<KinesisShardSplit> out = new ArrayList<>();
        context.assignments.forEach(assignment -> assignment.values().forEach(out::addAll));
        return out;
    }

    private static KinesisShardEnumerator failOver(boolean resumeFromReported, RecordingContext context) throws Exception {
        StubKinesisClient client = new StubKinesisClient().lists(PARENT);
        KinesisShardEnumerator enumerator = new KinesisShardEnumerator(context, KinesisShardSplitReaderTest.config(),
                () -> client, new KinesisEnumeratorState(Set.of(), List.of()), resumeFromReported);
        context.register(0);
        enumerator.start();
        context.discover();
        enumerator.handleSourceEvent(0, new KinesisShardPositions(Map.of(PARENT, "4711")));
        // the reader fails before any checkpoint: Flink hands back the split as it was assigned
        context.readers.remove(0);
        enumerator.addSplitsBack(List.of(new KinesisShardSplit(PARENT, null)), 0);
        context.register(0);
        enumerator.addReader(0);
        return enumerator;
    }

    @Test
    void withoutCheckpointingASplitHandedBackResumesAtTheLastReportedPosition() throws Exception {
        RecordingContext context = new RecordingContext(1);

        failOver(true, context).close();

        assertThat(assignedSplits(context)).containsExactly(
                new KinesisShardSplit(PARENT, null), new KinesisShardSplit(PARENT, "4711"));
    }

    @Test
    void withCheckpointingASplitHandedBackKeepsItsPositionAndReportsAreIgnored() throws Exception {
        RecordingContext context = new RecordingContext(1);

        failOver(false, context).close();

        assertThat(assignedSplits(context)).containsExactly(
                new KinesisShardSplit(PARENT, null), new KinesisShardSplit(PARENT, null));
    }
}
