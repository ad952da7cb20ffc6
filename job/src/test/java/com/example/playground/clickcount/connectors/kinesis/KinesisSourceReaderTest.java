package com.example.playground.clickcount.connectors.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.InputLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The reader's position reports to the enumerator, which stand in for Kafka's auto-commit without checkpoints. */
class KinesisSourceReaderTest {

    private static final String SHARD = "shardId-000000000000";
    private static final String UNREAD = "shardId-000000000001";

    /** Records the events the reader sends to the enumerator. */
    private static final class RecordingReaderContext implements SourceReaderContext {
        final List<SourceEvent> events = new ArrayList<>();

        @Override
        public SourceReaderMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
            events.add(sourceEvent);
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }

    /** A shard reader that never has records (the test sets the positions through the splits it assigns). */
    private static final class EmptySplitReader implements SplitReader<Record, KinesisShardSplit> {
        @Override
        public RecordsWithSplitIds<Record> fetch() throws java.io.IOException {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new RecordsBySplits.Builder<Record>().build();
        }

        @Override
        public void handleSplitsChanges(SplitsChange<KinesisShardSplit> splitsChanges) {}

        @Override
        public void wakeUp() {}

        @Override
        public void close() {}
    }

    /** Discards everything: the reader has nothing to emit here. */
    private static final class NoOutput implements ReaderOutput<InputLine> {
        @Override
        public void collect(InputLine record) {}

        @Override
        public void collect(InputLine record, long timestamp) {}

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<InputLine> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    private final RecordingReaderContext context = new RecordingReaderContext();
    private final AtomicLong clock = new AtomicLong(1_000_000L);
    private KinesisSourceReader reader;

    private KinesisSourceReader reader(boolean reportPositions) {
        reader = new KinesisSourceReader(EmptySplitReader::new, new KinesisRecordEmitter(), new Configuration(), context,
                reportPositions, clock::get);
        reader.start();
        reader.addSplits(List.of(new KinesisShardSplit(SHARD, "41"), new KinesisShardSplit(UNREAD, null)));
        return reader;
    }

    @AfterEach
    void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
    }

    @Test
    void reportsTheShardsThatEmittedOnceTheIntervalHasPassedAndOnlyWhenTheyMoved() throws Exception {
        KinesisSourceReader reader = reader(true);

        clock.addAndGet(KinesisSourceReader.POSITION_REPORT_INTERVAL_MILLIS - 1);
        reader.pollNext(new NoOutput());
        assertThat(context.events).as("before the interval").isEmpty();

        clock.addAndGet(1);
        reader.pollNext(new NoOutput());
        assertThat(context.events).containsExactly(new KinesisShardPositions(Map.of(SHARD, "41")));

        clock.addAndGet(KinesisSourceReader.POSITION_REPORT_INTERVAL_MILLIS);
        reader.pollNext(new NoOutput());
        assertThat(context.events).as("unchanged positions are not sent again").hasSize(1);
    }

    @Test
    void reportsNothingWithCheckpointing() throws Exception {
        KinesisSourceReader reader = reader(false);

        clock.addAndGet(10 * KinesisSourceReader.POSITION_REPORT_INTERVAL_MILLIS);
        reader.pollNext(new NoOutput());

        assertThat(context.events).isEmpty();
    }
}
