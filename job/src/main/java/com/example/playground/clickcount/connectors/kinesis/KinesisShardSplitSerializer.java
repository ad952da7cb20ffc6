package com.example.playground.clickcount.connectors.kinesis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: shard id, presence flag, last sequence number. */
public final class KinesisShardSplitSerializer implements SimpleVersionedSerializer<KinesisShardSplit> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(KinesisShardSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, split);
        }
        return bytes.toByteArray();
    }

    @Override
    public KinesisShardSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown KinesisShardSplit serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(DataOutputStream out, KinesisShardSplit split) throws IOException {
        out.writeUTF(split.shardId());
        out.writeBoolean(split.lastSequenceNumber() != null);
        if (split.lastSequenceNumber() != null) {
            out.writeUTF(split.lastSequenceNumber());
        }
    }

    static KinesisShardSplit read(DataInputStream in) throws IOException {
        String shardId = in.readUTF();
        String sequenceNumber = in.readBoolean() ? in.readUTF() : null;
        return new KinesisShardSplit(shardId, sequenceNumber);
    }
}
