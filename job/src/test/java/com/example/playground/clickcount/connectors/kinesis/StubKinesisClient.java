package com.example.playground.clickcount.connectors.kinesis;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A Kinesis client that answers from a script and records every call. {@link KinesisAsyncClient} is an
 * interface whose operations default to {@code UnsupportedOperationException}, so the connector's
 * classes take this stub in place of the SDK client.
 *
 * <p>GetShardIterator answers {@code "<shardId>/<type>[/<sequenceNumber>]"}. GetRecords answers, per
 * iterator, the next scripted outcome (a response or a failure, as a failed future like the SDK's);
 * an iterator without an outcome left fails the call with an {@link AssertionError}.
 */
final class StubKinesisClient implements KinesisAsyncClient {

    /** One GetRecords call: the iterator asked for and when. */
    record GetRecordsCall(String iterator, long atMillis) {}

    final List<GetShardIteratorRequest> iteratorRequests = new ArrayList<>();
    final List<GetRecordsCall> getRecordsCalls = new ArrayList<>();
    final List<ListShardsRequest> listShardsRequests = new ArrayList<>();
    private final Map<String, Deque<Object>> outcomes = new HashMap<>();
    private final Deque<List<Shard>> listings = new ArrayDeque<>();
    boolean closed;

    static String iteratorFor(GetShardIteratorRequest request) {
        return request.shardId() + "/" + request.shardIteratorTypeAsString()
                + (request.startingSequenceNumber() == null ? "" : "/" + request.startingSequenceNumber());
    }

    static Record record(String sequenceNumber) {
        return Record.builder()
                .sequenceNumber(sequenceNumber)
                .partitionKey("page")
                .data(SdkBytes.fromUtf8String("click " + sequenceNumber))
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_000L))
                .build();
    }

    /** GetRecords on {@code iterator} returns these records and {@code next} ({@code null}: shard closed). */
    StubKinesisClient records(String iterator, String next, String... sequenceNumbers) {
        return records(iterator, next, 0L, sequenceNumbers);
    }

    /** As {@link #records(String, String, String...)}, with this MillisBehindLatest in the response. */
    StubKinesisClient records(String iterator, String next, long millisBehindLatest, String... sequenceNumbers) {
        List<Record> records = new ArrayList<>();
        for (String sequenceNumber : sequenceNumbers) {
            records.add(record(sequenceNumber));
        }
        outcomes.computeIfAbsent(iterator, k -> new ArrayDeque<>())
                .addLast(GetRecordsResponse.builder()
                        .records(records)
                        .nextShardIterator(next)
                        .millisBehindLatest(millisBehindLatest)
                        .build());
        return this;
    }

    /** GetRecords on {@code iterator} fails with {@code failure}. */
    StubKinesisClient fails(String iterator, Throwable failure) {
        outcomes.computeIfAbsent(iterator, k -> new ArrayDeque<>()).addLast(failure);
        return this;
    }

    /** The next ListShards answers these shards (one page); the last listing repeats. */
    StubKinesisClient lists(String... shardIds) {
        List<Shard> shards = new ArrayList<>();
        for (String shardId : shardIds) {
            shards.add(Shard.builder().shardId(shardId).build());
        }
        listings.addLast(shards);
        return this;
    }

    List<String> iteratorsRead() {
        return getRecordsCalls.stream().map(GetRecordsCall::iterator).toList();
    }

    @Override
    public synchronized CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
        iteratorRequests.add(request);
        return CompletableFuture.completedFuture(
                GetShardIteratorResponse.builder().shardIterator(iteratorFor(request)).build());
    }

    @Override
    public synchronized CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        getRecordsCalls.add(new GetRecordsCall(request.shardIterator(), System.currentTimeMillis()));
        Deque<Object> left = outcomes.get(request.shardIterator());
        if (left == null || left.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new AssertionError("unexpected GetRecords on iterator " + request.shardIterator()));
        }
        Object outcome = left.pollFirst();
        if (outcome instanceof Throwable failure) {
            return CompletableFuture.failedFuture(failure);
        }
        return CompletableFuture.completedFuture((GetRecordsResponse) outcome);
    }

    @Override
    public synchronized CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        listShardsRequests.add(request);
        List<Shard> shards = listings.size() > 1 ? listings.pollFirst() : listings.peekFirst();
        return CompletableFuture.completedFuture(
                ListShardsResponse.builder().shards(shards == null ? List.of() : shards).build());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        closed = true;
    }
}
