package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys clicks by page. */
public class PageKeySelector implements KeySelector<ClickEvent, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ClickEvent value) {
        return value.getPage();
    }
}
