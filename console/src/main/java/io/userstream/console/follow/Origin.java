package io.userstream.console.follow;

/**
 * Where a dead-lettered record first came from ({@code dlq.source.*} of its first dead letter, carried on as
 * {@code redrive.origin.*} by re-drives): the identity of a dead letter however often it is re-driven.
 */
public record Origin(String topic, int partition, long offset) {

    /** {@code users_created-3-1200}: how the API and the page name a dead letter. */
    public String id() {
        return topic + "-" + partition + "-" + offset;
    }

    /** The inverse of {@link #id()}; null when the text is not one. */
    public static Origin parse(String id) {
        int last = id.lastIndexOf('-');
        int middle = last > 0 ? id.lastIndexOf('-', last - 1) : -1;
        if (middle <= 0) {
            return null;
        }
        try {
            return new Origin(id.substring(0, middle), Integer.parseInt(id.substring(middle + 1, last)),
                    Long.parseLong(id.substring(last + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
