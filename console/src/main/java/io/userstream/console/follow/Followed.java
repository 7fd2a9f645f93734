package io.userstream.console.follow;

/** A view built from a topic tail, so the console's health can tell when the tail stopped. */
public interface Followed {

    TopicTail<?> tail();
}
