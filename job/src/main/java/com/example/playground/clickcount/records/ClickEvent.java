package com.example.playground.clickcount.records;

import java.util.Objects;

/**
 * One click on one page at one instant (epoch milliseconds, UTC).
 *
 * <p>A Flink POJO (public no-arg constructor, getters and setters) so that its state is
 * serialized by Flink's POJO serializer and survives savepoints across job versions.
 */
public class ClickEvent {

    private long timestamp;
    private String page;

    public ClickEvent() {}

    public ClickEvent(long timestamp, String page) {
        this.timestamp = timestamp;
        this.page = page;
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClickEvent other)) {
            return false;
        }
        return timestamp == other.timestamp && Objects.equals(page, other.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, page);
    }

    @Override
    public String toString() {
        return "ClickEvent{timestamp=" + Timestamps.format(timestamp) + ", page=" + page + "}";
    }
}
