package com.example.playground.clickcount.connectors.kinesis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: assigned shard ids, then pending splits. */
public final class KinesisEnumeratorStateSerializer implements SimpleVersionedSerializer<KinesisEnumeratorState> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(KinesisEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.assignedShardIds().size());
            for (String id : state.assignedShardIds()) {
                out.writeUTF(id);
            }
            out.writeInt(state.pendingSplits().size());
            for (KinesisShardSplit split : state.pendingSplits()) {
                KinesisShardSplitSerializer.write(out, split);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public KinesisEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown KinesisEnumeratorState serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int assignedCount = in.readInt();
            Set<String> assigned = new HashSet<>();
            for (int i = 0; i < assignedCount; i++) {
                assigned.add(in.readUTF());
            }
            int pendingCount = in.readInt();
            List<KinesisShardSplit> pending = new ArrayList<>();
            for (int i = 0; i < pendingCount; i++) {
                pending.add(KinesisShardSplitSerializer.read(in));
            }
            return new KinesisEnumeratorState(assigned, pending);
        }
    }
}
