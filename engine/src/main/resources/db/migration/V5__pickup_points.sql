-- Pickup points (提货点): where buyers collect. MySQL is the record; the Redis GEO set of active
-- points (RedisKeys#pickupPoints) is rebuilt from this table at start-up. Coordinates are GCJ-02,
-- as Tencent Map gives them; opening hours are wall-clock times in the point's zone.

CREATE TABLE pickup_points (
  id          BIGINT         NOT NULL AUTO_INCREMENT,
  name        VARCHAR(100)   NOT NULL,
  address     VARCHAR(200)   NOT NULL,
  kind        VARCHAR(24)    NOT NULL,
  latitude    DECIMAL(10,7)  NOT NULL,
  longitude   DECIMAL(10,7)  NOT NULL,
  phone       VARCHAR(32)    NOT NULL,
  opens_at    TIME           NOT NULL,
  closes_at   TIME           NOT NULL,
  zone        VARCHAR(64)    NOT NULL,
  active      BOOLEAN        NOT NULL,
  created_at  DATETIME(3)    NOT NULL,
  updated_at  DATETIME(3)    NOT NULL,
  PRIMARY KEY (id),
  KEY ix_pickup_points_active (active)
);

-- Who acts for a point: a STAFF token's subject (a leader who runs the point is bound the same way).
CREATE TABLE pickup_point_staff (
  point_id    BIGINT       NOT NULL,
  subject     VARCHAR(64)  NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  PRIMARY KEY (point_id, subject),
  KEY ix_pickup_point_staff_subject (subject)
);
