-- Group leaders (团长). A buyer applies; an admin approves (a leaders row) or rejects. MySQL is the
-- record of applications and leaders.
--
-- open_buyer is the buyer's subject while the application is PENDING and NULL once decided: a
-- unique key on it allows one open application per buyer (NULLs never collide), also under
-- concurrent submissions, portably (MySQL 8 and MariaDB).
CREATE TABLE leader_applications (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  buyer           VARCHAR(64)   NOT NULL,
  open_buyer      VARCHAR(64)   NULL,
  name            VARCHAR(50)   NOT NULL,
  phone           VARCHAR(32)   NOT NULL,
  kind            VARCHAR(16)   NOT NULL,
  point_id        BIGINT        NULL,
  community_name  VARCHAR(100)  NULL,
  note            VARCHAR(500)  NULL,
  status          VARCHAR(16)   NOT NULL,
  reason          VARCHAR(500)  NULL,
  created_at      DATETIME(3)   NOT NULL,
  decided_at      DATETIME(3)   NULL,
  decided_by      VARCHAR(64)   NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_leader_applications_open (open_buyer),
  KEY ix_leader_applications_status (status, id),
  KEY ix_leader_applications_buyer (buyer, id)
);

-- One row per approved leader, keyed by the buyer's subject. point_id is the point a POINT leader
-- runs (and is bound to as staff); unique, so an order's point names at most one leader.
-- status ACTIVE | SUSPENDED; a suspended leader gets no new attribution and no LEADER role.
CREATE TABLE leaders (
  subject           VARCHAR(64)   NOT NULL,
  application_id    BIGINT        NOT NULL,
  name              VARCHAR(50)   NOT NULL,
  kind              VARCHAR(16)   NOT NULL,
  point_id          BIGINT        NULL,
  community_name    VARCHAR(100)  NULL,
  status            VARCHAR(16)   NOT NULL,
  suspended_reason  VARCHAR(500)  NULL,
  suspended_at      DATETIME(3)   NULL,
  suspended_by      VARCHAR(64)   NULL,
  created_at        DATETIME(3)   NOT NULL,
  PRIMARY KEY (subject),
  UNIQUE KEY ux_leaders_point (point_id)
);

-- Attribution (reserve.lua decides it, the projector copies it): the leader an order is attributed to.
ALTER TABLE orders ADD COLUMN leader_id VARCHAR(64) NULL;
CREATE INDEX ix_orders_leader ON orders (leader_id, created_at);

-- The leader a buyer is bound to: the first leader who referred them, for flashgroup.leaders.binding
-- (P30D) after the latest order that leader referred (the directory computes the expiry from
-- last_referred_at). Written by the projector from ReservationMade's bindsTo.
CREATE TABLE leader_bindings (
  buyer             VARCHAR(64)  NOT NULL,
  leader            VARCHAR(64)  NOT NULL,
  last_referred_at  DATETIME(3)  NOT NULL,
  updated_at        DATETIME(3)  NOT NULL,
  PRIMARY KEY (buyer),
  KEY ix_leader_bindings_updated (updated_at),
  KEY ix_leader_bindings_leader (leader)
);

-- Every change of a buyer's leader (a first binding or a new leader after expiry), once per order.
CREATE TABLE leader_binding_changes (
  order_id       VARCHAR(40)  NOT NULL,
  buyer          VARCHAR(64)  NOT NULL,
  leader_before  VARCHAR(64)  NULL,
  leader_after   VARCHAR(64)  NOT NULL,
  at             DATETIME(3)  NOT NULL,
  PRIMARY KEY (order_id),
  KEY ix_leader_binding_changes_buyer (buyer, at)
);
