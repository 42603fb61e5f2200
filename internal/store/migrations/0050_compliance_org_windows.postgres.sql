-- The table of 0050 (the name bytewise, as the report sorts it).
CREATE TABLE compliance_org_windows (
    party_org_id BIGINT NOT NULL,
    win_to TEXT NOT NULL,
    region_code TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    required INTEGER NOT NULL,
    held_capped INTEGER NOT NULL,
    meetings INTEGER NOT NULL,
    att_sum DOUBLE PRECISION NOT NULL,
    att_n INTEGER NOT NULL,
    rate DOUBLE PRECISION NOT NULL,
    attendance DOUBLE PRECISION NOT NULL,
    status SMALLINT NOT NULL,
    PRIMARY KEY (party_org_id, win_to)
);
CREATE INDEX compliance_org_windows_rate ON compliance_org_windows(win_to, rate, region_code, name, party_org_id, status);
CREATE INDEX compliance_org_windows_required ON compliance_org_windows(win_to, required, region_code, name, party_org_id, status);
CREATE INDEX compliance_org_windows_held ON compliance_org_windows(win_to, held_capped, region_code, name, party_org_id, status);
CREATE INDEX compliance_org_windows_meetings ON compliance_org_windows(win_to, meetings, region_code, name, party_org_id, status);
CREATE INDEX compliance_org_windows_attendance ON compliance_org_windows(win_to, attendance, region_code, name, party_org_id, status);
