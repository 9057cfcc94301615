package io.asyncudf.internal.driver;

import java.io.Serializable;

/**
 * What the executors know of one UDF application's driver channel: its id and what to send.
 *
 * @param id the channel on the driver
 * @param name the UDF's name, for messages
 * @param callback whether a driver callback answers {@code callDriver}
 * @param events whether chunk and partition events go to the driver (a driver listener or progress)
 */
public record ChannelSpec(String id, String name, boolean callback, boolean events) implements Serializable {}
