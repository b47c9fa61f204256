package dev.flashgroup.engine.order;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/**
 * One {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE ...} for many rows of one
 * table, bound by position in one go. MySQL applies it row by row in the order written, each row
 * against the table as the rows before it left it (also a row of the same statement), so it ends
 * where one statement per row would.
 *
 * @param <T> what one row is made from
 */
public final class MultiRowUpsert<T> {

  private final String head;
  private final int columns;
  private final String row;
  private final String onDuplicate;
  private final Comparator<T> order;
  private final BiConsumer<T, Values> binder;

  /**
   * @param head {@code INSERT INTO t (columns) VALUES } with its trailing space
   * @param columns how many values {@code binder} adds per row
   * @param onDuplicate the {@code ON DUPLICATE KEY UPDATE} clause, with its leading space
   * @param order the key order rows are written in, applied stably (one key's rows keep their
   *     order), so concurrent transactions lock rows alike; null to keep the order given
   * @param binder adds one row's values, in the columns' order
   */
  public MultiRowUpsert(String head, int columns, String onDuplicate, Comparator<T> order, BiConsumer<T, Values> binder) {
    this(head, columns, "(" + "?, ".repeat(columns - 1) + "?)", onDuplicate, order, binder);
  }

  /**
   * @param row one row's values with exactly {@code columns} placeholders, when a column is not a
   *     plain value (a scalar subquery on another table)
   */
  MultiRowUpsert(String head, int columns, String row, String onDuplicate, Comparator<T> order,
      BiConsumer<T, Values> binder) {
    if (row.chars().filter(c -> c == '?').count() != columns) {
      throw new IllegalArgumentException(row + " does not hold " + columns + " placeholders");
    }
    this.head = head;
    this.columns = columns;
    this.row = row;
    this.onDuplicate = onDuplicate;
    this.order = order;
    this.binder = binder;
  }

  public Mono<Void> write(DatabaseClient db, List<T> rows) {
    if (rows.isEmpty()) {
      return Mono.empty();
    }
    // Stream.sorted is stable on an ordered stream.
    List<T> written = order == null ? rows : rows.stream().sorted(order).toList();
    StringBuilder sql = new StringBuilder(head.length() + written.size() * (row.length() + 2) + onDuplicate.length())
        .append(head);
    Values values = new Values(written.size() * columns);
    for (int i = 0; i < written.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(row);
      binder.accept(written.get(i), values);
    }
    if (values.list.size() != written.size() * columns) {
      throw new IllegalStateException(head + ": " + values.list.size() + " values for " + written.size() + " rows of "
          + columns);
    }
    return db.sql(sql.append(onDuplicate).toString()).bindValues(values.list).then();
  }

  /** One statement's values in order; a null is bound with its column's type. */
  public static final class Values {

    private final List<Object> list;

    private Values(int size) {
      list = new ArrayList<>(size);
    }

    public Values add(Object value) {
      list.add(Parameter.from(value));
      return this;
    }

    public <V> Values addOrNull(V value, Class<V> type) {
      list.add(Parameter.fromOrEmpty(value, type));
      return this;
    }
  }
}
