-- The officer side (issue 15): the applicant's commune-level unit of each application (the
-- profile's address unit for those stored before), the officer it is assigned to, the work
-- queue's order (due date, id) within a procedure; a commune-level officer's unit, and the
-- phone and e-mail a staff member is warned on.
ALTER TABLE applications ADD COLUMN unit_code text;
ALTER TABLE applications ADD COLUMN assigned_to text;
UPDATE applications SET unit_code = citizens.profile -> 'address' ->> 'unitCode'
FROM citizens WHERE citizens.id = applications.citizen_id;
CREATE INDEX applications_queue ON applications (procedure_id, due_at COLLATE "C", id);
CREATE INDEX applications_due ON applications (due_at COLLATE "C", id);
ALTER TABLE staff ADD COLUMN unit text;
ALTER TABLE staff ADD COLUMN phone text;
ALTER TABLE staff ADD COLUMN email text;
