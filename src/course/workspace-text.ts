/** The README.md that `de-lab init` writes into a new workspace (once; the learner may edit it). */
export const README = `# de-lab workspace

This folder holds your exercise files for the Data Engineering Advanced course.
Each exercise lives in \`dayN/<exercise>/\`; edit the files there. The day's containers see
the same files, so what you save is what gets run and checked.

| Command | What it does |
| --- | --- |
| \`de-lab list\` | every day and exercise, with your progress |
| \`de-lab start day1\` | start the day's services (Docker) |
| \`de-lab exercise day1\` | the instructions of your next exercise and the files to edit |
| \`de-lab check day1 <exercise>\` | grade your files |
| \`de-lab hint day1 <exercise>\` | one more hint |
| \`de-lab solution day1 <exercise>\` | compare your files with the reference solution |
| \`de-lab reset day1 <exercise>\` | go back to the starter files (yours are backed up first) |
| \`de-lab progress\` | done and score per day |

\`.de-lab/state.json\` records your progress. Before de-lab replaces any of your files it copies
them to \`.de-lab/backups/<time>/\`; nothing there is ever deleted for you.

---

# de-lab 작업 폴더

이 폴더에는 데이터 엔지니어링 심화 과정의 실습 파일이 들어 있습니다.
문제마다 \`dayN/<문제>/\` 폴더가 있으니 그 안의 파일을 고치세요. 그날의 컨테이너도 같은 파일을
보므로, 저장한 내용이 그대로 실행되고 채점됩니다.

| 명령 | 하는 일 |
| --- | --- |
| \`de-lab list\` | 모든 실습일과 문제, 그리고 진행 상황 |
| \`de-lab start day1\` | 그날의 서비스(Docker) 시작 |
| \`de-lab exercise day1\` | 다음 문제의 설명과 고칠 파일 |
| \`de-lab check day1 <문제>\` | 내 파일 채점 |
| \`de-lab hint day1 <문제>\` | 힌트 하나 더 보기 |
| \`de-lab solution day1 <문제>\` | 내 파일과 모범 답안 비교 |
| \`de-lab reset day1 <문제>\` | 처음 파일로 되돌리기(내 파일은 먼저 백업) |
| \`de-lab progress\` | 실습일별 완료 수와 점수 |

\`.de-lab/state.json\`에 진행 상황이 기록됩니다. de-lab이 내 파일을 바꾸기 전에는 항상
\`.de-lab/backups/<시각>/\`에 복사해 두며, 그곳의 파일은 저절로 지워지지 않습니다.
`;

/** Only caches that tools recreate; backups and state are the learner's and stay versioned. */
export const GITIGNORE = `# Caches that the course's tools recreate; your files, progress and backups are not ignored.
__pycache__/
*.py[cod]
.ipynb_checkpoints/
.pytest_cache/
metastore_db/
derby.log
.DS_Store
# de-lab's scratch copies while a check runs (removed when it ends) and its cached reference results
.grading/
.de-lab/reference/
`;
