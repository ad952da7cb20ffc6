package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the AWS SDK v2 Kinesis client from the {@code Kinesis} property group.
 *
 * <p>Emulator switches: {@code aws.endpoint} overrides the endpoint, {@code aws.trust.all.certificates}
 * accepts self-signed certificates, {@code aws.http.protocol.version=HTTP1_1} avoids HTTP/2, and
 * {@code aws.cbor.enabled=false} sets the SDK's JVM-wide system property {@code aws.cborEnabled=false}
 * (the SDK v2 reads only that property or the environment variable {@code AWS_CBOR_ENABLED}; there is
 * no per-client switch), so that requests are plain JSON.
 */
public final class KinesisClientFactory {

    private KinesisClientFactory() {}

    public static KinesisAsyncClient create(KinesisConfig config) {
        if (!config.cborEnabled()) {
            System.setProperty(SdkSystemSetting.CBOR_ENABLED.property(), "false");
        }
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .protocol(config.httpProtocol() == KinesisConfig.HttpProtocol.HTTP1_1 ? Protocol.HTTP1_1 : Protocol.HTTP2)
                .maxConcurrency(64)
                .connectionTimeout(Duration.ofSeconds(10));
        SdkAsyncHttpClient httpClient = config.trustAllCertificates()
                ? http.buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                        .build())
                : http.build();
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(httpClient);
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
