package com.example.playground.clickcount.config;

import java.io.Serializable;
import java.net.URI;
import java.util.Optional;

/**
 * Property group {@code Kinesis}.
 *
 * @param region AWS region of the streams ({@code aws.region})
 * @param inputStreamArn stream the clicks are read from
 * @param outputStreamArn stream the statistics are written to
 * @param initialPosition where to start reading a shard without checkpointed position
 * @param initialTimestamp epoch millis for {@link InitialPosition#AT_TIMESTAMP}, else {@code null}
 * @param endpoint endpoint override (emulators), or {@code null} for the AWS endpoint
 * @param trustAllCertificates accept any TLS certificate (emulators only)
 * @param httpProtocol HTTP protocol of the Kinesis client
 * @param cborEnabled whether the AWS SDK uses CBOR for Kinesis (emulators: false)
 */
public record KinesisConfig(
        String region,
        String inputStreamArn,
        String outputStreamArn,
        InitialPosition initialPosition,
        Long initialTimestamp,
        URI endpoint,
        boolean trustAllCertificates,
        HttpProtocol httpProtocol,
        boolean cborEnabled)
        implements Serializable {

    /** Starting position of a shard that has no checkpointed sequence number. */
    public enum InitialPosition {
        TRIM_HORIZON,
        LATEST,
        AT_TIMESTAMP
    }

    /** HTTP protocol of the Kinesis client. */
    public enum HttpProtocol {
        HTTP1_1,
        HTTP2
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpoint);
    }
}
