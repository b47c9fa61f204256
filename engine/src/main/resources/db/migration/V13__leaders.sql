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
