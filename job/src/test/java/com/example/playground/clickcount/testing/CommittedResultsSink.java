package com.example.playground.clickcount.testing;

import com.example.playground.clickcount.records.ClickEventStatistics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A test sink that is exactly-once into the test: results become visible only when the checkpoint
 * (or savepoint) that covers them completes, like a transactional sink. Each batch is a
 * "transaction" with a unique id; committing the same batch again (Flink re-commits restored
 * committables) is idempotent, but a result that the job produces twice lands in two batches and
 * shows up as a duplicate.
 */
public final class CommittedResultsSink implements Sink<ClickEventStatistics>, SupportsCommitter<CommittedResultsSink.Batch> {

    private static final long serialVersionUID = 1L;

    /** store name → batch id → results, in JVM memory shared with the MiniCluster. */
    private static final Map<String, Map<String, List<ClickEventStatistics>>> STORES = new ConcurrentHashMap<>();

    private final String store;

    public CommittedResultsSink(String store) {
        this.store = store;
        STORES.computeIfAbsent(store, s -> new LinkedHashMap<>());
    }

    /** One batch of results written by one writer between two checkpoints. */
    public record Batch(String id, List<ClickEventStatistics> results) {}

    /** All committed results of the given stores, each batch counted once. */
    public static List<ClickEventStatistics> committed(String... stores) {
        Map<String, List<ClickEventStatistics>> batches = new LinkedHashMap<>();
        for (String name : stores) {
            Map<String, List<ClickEventStatistics>> storeBatches = STORES.getOrDefault(name, Map.of());
            synchronized (storeBatches) {
                batches.putAll(storeBatches);
            }
        }
        List<ClickEventStatistics> results = new ArrayList<>();
        batches.values().forEach(results::addAll);
        return results;
    }

    @Override
    public CommittingSinkWriter<ClickEventStatistics, Batch> createWriter(WriterInitContext context) {
        return new CommittingSinkWriter<>() {
            private final List<ClickEventStatistics> buffer = new ArrayList<>();

            @Override
            public void write(ClickEventStatistics element, Context ctx) {
                buffer.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public Collection<Batch> prepareCommit() {
                if (buffer.isEmpty()) {
                    return List.of();
                }
                Batch batch = new Batch(UUID.randomUUID().toString(), List.copyOf(buffer));
                buffer.clear();
                return List.of(batch);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        String storeName = store;
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<Batch>> requests) {
                Map<String, List<ClickEventStatistics>> target = STORES.computeIfAbsent(storeName, s -> new LinkedHashMap<>());
                synchronized (target) {
                    for (CommitRequest<Batch> request : requests) {
                        target.putIfAbsent(request.getCommittable().id(), request.getCommittable().results());
                    }
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new BatchSerializer();
    }

    static final class BatchSerializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch batch) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(batch.id());
                out.writeInt(batch.results().size());
                for (ClickEventStatistics s : batch.results()) {
                    out.writeLong(s.getWindowStart());
                    out.writeLong(s.getWindowEnd());
                    out.writeUTF(s.getPage());
                    out.writeLong(s.getCount());
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String id = in.readUTF();
                int n = in.readInt();
                List<ClickEventStatistics> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    results.add(new ClickEventStatistics(in.readLong(), in.readLong(), in.readUTF(), in.readLong()));
                }
                return new Batch(id, results);
            }
        }
    }
}
