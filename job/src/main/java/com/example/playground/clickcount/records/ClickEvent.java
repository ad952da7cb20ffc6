package com.example.playground.clickcount.records;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Clicks on one page: one click at one instant (epoch milliseconds, UTC) as the parser makes it,
 * or, from the {@code ClickEvent Pre-Aggregator}, {@code count} clicks of one window carrying the
 * window's start as their timestamp.
 *
 * <p>Serialized between tasks (the keyBy) by {@link ClickEventSerializer}, 10 bytes for a known
 * page and a count below 128, rather than by Flink's POJO serializer; no state holds clicks (the
 * window keeps a count), so the format is not part of the savepoint contract.
 */
@TypeInfo(ClickEventSerializer.TypeInfoFactory.class)
public class ClickEvent {

    private long timestamp;
    private String page;
    private int count = 1;

    public ClickEvent() {}

    public ClickEvent(long timestamp, String page) {
        this(timestamp, page, 1);
    }

    public ClickEvent(long timestamp, String page, int count) {
        this.timestamp = timestamp;
        this.page = page;
        this.count = count;
    }

    /** Event time in epoch milliseconds. */
    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    public String getPage() {
        return page;
    }

    public void setPage(String page) {
        this.page = page;
    }

    /** How many clicks this record stands for (1 for a parsed click). */
    public int getCount() {
        return count;
    }

    public void setCount(int count) {
        this.count = count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClickEvent other)) {
            return false;
        }
        return timestamp == other.timestamp && count == other.count && Objects.equals(page, other.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, page, count);
    }

    @Override
    public String toString() {
        return "ClickEvent{timestamp=" + Timestamps.format(timestamp) + ", page=" + page
                + (count == 1 ? "" : ", count=" + count) + "}";
    }
}
