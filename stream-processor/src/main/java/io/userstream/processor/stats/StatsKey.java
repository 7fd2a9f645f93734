package io.userstream.processor.stats;

import io.userstream.schema.StatsDimension;

/**
 * What one count is grouped by: a dimension and its value, e.g. COUNTRY Germany. On the repartition
 * topic and in the window store it is the text {@code DIMENSION|value} (enum names hold no '|').
 */
public record StatsKey(StatsDimension dimension, String value) {

    public String text() {
        return dimension.name() + '|' + value;
    }

    public static StatsKey parse(String text) {
        int bar = text.indexOf('|');
        return new StatsKey(StatsDimension.valueOf(text.substring(0, bar)), text.substring(bar + 1));
    }
}
