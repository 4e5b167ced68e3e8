package dev.kiln.nn.init;

/** Which fan Kaiming initialization scales by: {@code FAN_IN} keeps the forward variance, {@code FAN_OUT} the backward. */
public enum FanMode {
    FAN_IN,
    FAN_OUT
}
