package com.example.playground.clickcount.records;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Writes {@link ClickEventStatistics} as UTF-8 JSON. */
public class ClickEventStatisticsSerializationSchema implements SerializationSchema<ClickEventStatistics> {

    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(ClickEventStatistics element) {
        return ClickEventJson.toJson(element).getBytes(StandardCharsets.UTF_8);
    }
}
