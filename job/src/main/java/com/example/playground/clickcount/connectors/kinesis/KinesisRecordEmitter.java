package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.records.InputLine;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import software.amazon.awssdk.services.kinesis.model.Record;

/** Emits the payload as a line of UTF-8 text and advances the split's checkpointed sequence number. */
final class KinesisRecordEmitter implements RecordEmitter<Record, InputLine, KinesisShardSplitState> {

    @Override
    public void emitRecord(Record record, SourceOutput<InputLine> output, KinesisShardSplitState splitState) {
        byte[] data = record.data() == null ? new byte[0] : record.data().asByteArray();
        output.collect(new InputLine(new String(data, StandardCharsets.UTF_8)), record.approximateArrivalTimestamp() == null
                ? Long.MIN_VALUE
                : record.approximateArrivalTimestamp().toEpochMilli());
        splitState.emitted(record.sequenceNumber());
    }
}
