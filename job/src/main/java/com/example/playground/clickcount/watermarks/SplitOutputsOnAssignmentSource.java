package com.example.playground.clickcount.watermarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Wraps a FLIP-27 source so that each split's watermark output exists from the moment the split is
 * assigned (or restored), not only from its first record.
 *
 * <p>Why: {@code SourceReaderBase} (Kafka, Kinesis) creates a split's output, and with it the
 * split's watermark generator, lazily when a fetch first contains a record of that split. While it
 * catches up on a backlog, a reader may fetch big batches of one partition before the other
 * partition delivers anything; the source's combined watermark would then be the first
 * partition's alone and the other partition's clicks would be late. With the outputs created up
 * front, a split that has not delivered yet holds the watermark back until it delivers or becomes
 * idle (no record for the idleness timeout).
 *
 * <p>Splits, enumerator and their serializers are the wrapped source's, so checkpoints and
 * savepoints are unchanged.
 */
public final class SplitOutputsOnAssignmentSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT> {

    private static final long serialVersionUID = 1L;

    private final Source<T, SplitT, EnumChkT> source;

    public SplitOutputsOnAssignmentSource(Source<T, SplitT, EnumChkT> source) {
        this.source = source;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext readerContext) throws Exception {
        return new Reader<>(source.createReader(readerContext));
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> enumContext)
            throws Exception {
        return source.createEnumerator(enumContext);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> enumContext, EnumChkT checkpoint) throws Exception {
        return source.restoreEnumerator(enumContext, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    /** Creates the outputs of newly added splits on the next {@link #pollNext}, then delegates. */
    static final class Reader<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {

        private final SourceReader<T, SplitT> reader;
        private final List<String> newSplits = new ArrayList<>();

        Reader(SourceReader<T, SplitT> reader) {
            this.reader = reader;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (!newSplits.isEmpty()) {
                // createOutputForSplit returns the existing output when the reader creates it later
                newSplits.forEach(output::createOutputForSplit);
                newSplits.clear();
            }
            return reader.pollNext(output);
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            // called in the task thread, like pollNext: before any record of these splits is polled
            splits.forEach(split -> newSplits.add(split.splitId()));
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {
            reader.handleSourceEvents(sourceEvent);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
