package com.example.playground.clickcount.records;

import java.util.Objects;

/** The number of clicks on one page in one window [windowStart, windowEnd) (epoch millis, UTC). */
public class ClickEventStatistics {

    private long windowStart;
    private long windowEnd;
    private String page;
    private long count;

    public ClickEventStatistics() {}

    public ClickEventStatistics(long windowStart, long windowEnd, String page, long count) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.page = page;
        this.count = count;
    }

    public long getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(long windowStart) {
        this.windowStart = windowStart;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }

    public String getPage() {
        return page;
    }

    public void setPage(String page) {
        this.page = page;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClickEventStatistics other)) {
            return false;
        }
        return windowStart == other.windowStart
                && windowEnd == other.windowEnd
                && count == other.count
                && Objects.equals(page, other.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStart, windowEnd, page, count);
    }

    @Override
    public String toString() {
        return "ClickEventStatistics{windowStart=" + Timestamps.format(windowStart)
                + ", windowEnd=" + Timestamps.format(windowEnd)
                + ", page=" + page
                + ", count=" + count + "}";
    }
}
