package dev.igme.platform.api;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list answer, in the list's order; pass {@code nextCursor} as {@code cursor} for
 * the next page. It is null on the last page.
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** How many rows to fetch for a page of {@code size}: the extra row tells whether another page follows. */
    public static int fetchSize(int size) {
        return size + 1;
    }

    /** The page of {@code size} from rows fetched with {@link #fetchSize}; the cursor names its last item. */
    public static <T> Page<T> of(List<T> rows, int size, Function<T, String> cursorOf) {
        boolean more = rows.size() > size;
        List<T> items = more ? rows.subList(0, size) : rows;
        return new Page<>(items, more ? cursorOf.apply(items.get(items.size() - 1)) : null);
    }
}
