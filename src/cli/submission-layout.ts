/** What goes inside a learner's folder or archive for `grade --submissions`, shown in its --help. */
export const submissionLayout = `
What goes in --submissions (one folder, .zip or .tar.gz per learner; laid out as a de-lab workspace):
  submissions/
  ├── kim-minji/                 a folder …
  │   └── day4/
  │       ├── parse-events/parse_events.py
  │       └── windowed-counts/windowed_counts.py
  ├── lee-jun.zip                … or an archive holding the same day4/ tree
  └── park-seo.tar.gz
  Only the files each exercise names are graded (de-lab exercise <day> <id> lists them).
`;
