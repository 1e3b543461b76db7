package dev.remotemedia.manifest;

/** The JSON shapes a node parameter can take. */
public enum ParamKind {
    STRING, INTEGER, NUMBER, BOOLEAN, ENUM, OBJECT, STRING_LIST, ANY;

    String describe() {
        return switch (this) {
            case STRING -> "a string";
            case INTEGER -> "an integer";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case ENUM -> "one of the listed values";
            case OBJECT -> "an object";
            case STRING_LIST -> "a list of strings";
            case ANY -> "any JSON value";
        };
    }
}
