package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.ClickEventStatistics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes statistics to the output stream by ARN with PutRecords, partition key = page. Buffered
 * records are flushed at the latest {@link Writer#MAX_BUFFER_MILLIS} after they arrive and before
 * every checkpoint completes, so the sink is at-least-once: a replay after
 * a failure may write a window's result again (the auditor tolerates duplicates).
 */
public final class KinesisStatisticsSink implements Sink<ClickEventStatistics> {

    private static final long serialVersionUID = 1L;

    private final KinesisConfig config;

    public KinesisStatisticsSink(KinesisConfig config) {
        this.config = config;
    }

    @Override
    public SinkWriter<ClickEventStatistics> createWriter(WriterInitContext context) {
        return new Writer(config, KinesisClientFactory.create(config), context.getProcessingTimeService());
    }

    static final class Writer implements SinkWriter<ClickEventStatistics> {

        private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
        static final int MAX_BATCH = 500;
        static final int MAX_ATTEMPTS = 10;
        /** Longest time a result waits in the buffer (checkpoints may be rare or disabled). */
        static final long MAX_BUFFER_MILLIS = 500;

        private final KinesisConfig config;
        private final KinesisAsyncClient client;
        private final ProcessingTimeService timers;
        private final List<PutRecordsRequestEntry> buffer = new ArrayList<>();
        private boolean timerPending;

        Writer(KinesisConfig config, KinesisAsyncClient client, ProcessingTimeService timers) {
            this.config = config;
            this.client = client;
            this.timers = timers;
        }

        private void scheduleFlush() {
            if (timerPending || timers == null) {
                return;
            }
            timerPending = true;
            timers.registerTimer(timers.getCurrentProcessingTime() + MAX_BUFFER_MILLIS, time -> {
                timerPending = false;
                flush(false);
            });
        }

        @Override
        public void write(ClickEventStatistics element, Context context) throws IOException, InterruptedException {
            buffer.add(PutRecordsRequestEntry.builder()
                    .partitionKey(element.getPage())
                    .data(SdkBytes.fromUtf8String(ClickEventJson.toJson(element)))
                    .build());
            if (buffer.size() >= MAX_BATCH) {
                flush(false);
            } else {
                scheduleFlush();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            List<PutRecordsRequestEntry> pending = new ArrayList<>(buffer);
            buffer.clear();
            long backoff = 100;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                PutRecordsResponse response = client.putRecords(PutRecordsRequest.builder()
                                .streamARN(config.outputStreamArn())
                                .records(pending)
                                .build())
                        .join();
                if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                    return;
                }
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                List<PutRecordsResultEntry> results = response.records();
                for (int i = 0; i < results.size(); i++) {
                    if (results.get(i).errorCode() != null) {
                        failed.add(pending.get(i));
                    }
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IOException(failed.size() + " records could not be written to "
                            + config.outputStreamArn() + " after " + attempt + " attempts");
                }
                LOG.debug("Retrying {} of {} records after {} ms", failed.size(), pending.size(), backoff);
                pending = failed;
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
