//! Attachments: blobs stored once per tenant and content, checked against their hash, attached
//! to dossiers in the dossier's own transaction, and swept only when nothing refers to them and
//! the grace period is over.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use futures_util::TryStreamExt;
use motcua_store::attachments::{self, Attach, DocumentKind, NewUpload, Upload};
use motcua_store::blobs::{BlobError, Blobs, ContentHash};
use motcua_store::dossiers::{self, Dossier, MoveError};
use motcua_store::{StoreError, TenantId, tenants};
use motcua_tests::{Backend, TestDb, backend_tests, citizen, demo_bundle, plain_dossier};

const PROCEDURE: &str = "1.001193";
const HOUR: Duration = Duration::from_secs(3600);

async fn tenant(db: &TestDb, slug: &str) -> TenantId {
    tenants::apply(&db.store, &demo_bundle(slug)).await.unwrap();
    tenants::load(&db.store, slug).await.unwrap().unwrap().id
}

fn meta(by: &str, expires_in: chrono::Duration) -> NewUpload {
    NewUpload {
        procedure_code: PROCEDURE.to_owned(),
        content_type: "application/pdf".to_owned(),
        file_name: "don.pdf".to_owned(),
        uploaded_by: by.to_owned(),
        expires_at: Utc::now() + expires_in,
    }
}

async fn upload(db: &TestDb, blobs: &Blobs, t: TenantId, bytes: &'static [u8], by: &str) -> Upload {
    let staged = blobs
        .stage(t, Bytes::from_static(bytes), None)
        .await
        .unwrap();
    attachments::record_upload(
        &db.store,
        blobs,
        staged,
        &meta(by, chrono::Duration::hours(1)),
    )
    .await
    .unwrap()
}

/// The files under `dir/<prefix>`, recursively.
fn files(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.join(prefix)];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                found.push(p);
            }
        }
    }
    found
}

async fn read(blobs: &Blobs, t: TenantId, hash: &ContentHash) -> Vec<u8> {
    let read = blobs.read(t, hash).await.unwrap();
    let chunks: Vec<Bytes> = read.stream.try_collect().await.unwrap();
    chunks.concat()
}

fn attach(upload: &Upload, by: &str) -> Attach {
    Attach {
        upload: upload.id.clone(),
        kind: DocumentKind::Required("01".to_owned()),
        by: by.to_owned(),
    }
}

async fn receive_with(
    db: &TestDb,
    t: TenantId,
    attach: Vec<Attach>,
) -> Result<Dossier, StoreError> {
    let mut new = plain_dossier(
        PROCEDURE,
        "000.00.01.H56",
        Utc::now(),
        None,
        citizen("Lê Thị Hoa"),
    );
    new.start.attach = attach;
    Ok(dossiers::receive(&db.store, t, new)
        .await?
        .dossier()
        .clone())
}

async fn the_same_content_is_stored_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::local(dir.path()).unwrap();
    let a = upload(&db, &blobs, t, b"%PDF-1.7 the same bytes", "citizen:a").await;
    let b = upload(&db, &blobs, t, b"%PDF-1.7 the same bytes", "citizen:b").await;
    assert_ne!(a.id, b.id, "two uploads");
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.sha256, ContentHash::of(b"%PDF-1.7 the same bytes"));
    let stored = files(dir.path(), "t");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].ends_with(format!(
        "t/{}/{}/{}",
        t.0,
        &a.sha256.to_string()[..2],
        a.sha256
    )));
    assert!(
        files(dir.path(), "staging").is_empty(),
        "nothing left staged"
    );
    assert_eq!(read(&blobs, t, &a.sha256).await, b"%PDF-1.7 the same bytes");
    assert_eq!(blobs.size(t, &a.sha256).await.unwrap(), Some(23));
}

async fn a_hash_mismatch_is_refused_and_nothing_is_stored(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::local(dir.path()).unwrap();
    let announced = ContentHash::of(b"what the client said it sent");
    let err = blobs
        .stage(t, Bytes::from_static(b"what it sent"), Some(announced))
        .await
        .unwrap_err();
    assert!(
        matches!(err, BlobError::HashMismatch { expected, .. } if expected == announced),
        "{err}"
    );
    // Streamed bytes too: the hash is checked when the writer finishes.
    let mut w = blobs.writer(t, 1024).await.unwrap();
    w.write(b"what it sent").await.unwrap();
    let err = w.finish(Some(announced)).await.unwrap_err();
    assert!(matches!(err, BlobError::HashMismatch { .. }), "{err}");
    assert!(
        files(dir.path(), "").is_empty(),
        "{:?}",
        files(dir.path(), "")
    );
}

async fn a_failed_transaction_leaves_a_blob_swept_after_the_grace_period(backend: Backend) {
    let db = TestDb::new(backend).await;
    tenant(&db, "thanhhoa").await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::local(dir.path()).unwrap();
    // The row's transaction fails after the blob was written (no such tenant: foreign key).
    let ghost = TenantId(987_654);
    let staged = blobs
        .stage(ghost, Bytes::from_static(b"orphan"), None)
        .await
        .unwrap();
    let hash = staged.hash();
    let err = attachments::record_upload(
        &db.store,
        &blobs,
        staged,
        &meta("citizen:a", chrono::Duration::hours(1)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, attachments::AttachmentError::Store(_)),
        "{err}"
    );
    assert_eq!(
        blobs.size(ghost, &hash).await.unwrap(),
        Some(6),
        "the blob was written"
    );

    let swept = attachments::sweep(&db.store, &blobs, HOUR).await.unwrap();
    assert_eq!(swept.blobs, 0, "not within the grace period");
    assert_eq!(blobs.size(ghost, &hash).await.unwrap(), Some(6));

    tokio::time::sleep(Duration::from_millis(20)).await;
    let swept = attachments::sweep(&db.store, &blobs, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept.blobs, 1);
    assert_eq!(blobs.size(ghost, &hash).await.unwrap(), None);
    assert!(files(dir.path(), "t").is_empty());
}

async fn attached_uploads_are_never_swept_and_expired_ones_are(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::local(dir.path()).unwrap();
    let kept = upload(&db, &blobs, t, b"attached", "citizen:a").await;
    let pending = upload(&db, &blobs, t, b"pending", "citizen:a").await;
    let staged = blobs
        .stage(t, Bytes::from_static(b"abandoned"), None)
        .await
        .unwrap();
    let abandoned = attachments::record_upload(
        &db.store,
        &blobs,
        staged,
        &meta("citizen:a", -chrono::Duration::seconds(1)),
    )
    .await
    .unwrap();
    let d = receive_with(&db, t, vec![attach(&kept, "citizen:a")])
        .await
        .unwrap();
    let docs = attachments::documents(&db.store, t, d.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, DocumentKind::Required("01".to_owned()));
    assert_eq!((docs[0].sha256, docs[0].size), (kept.sha256, 8));
    assert!(
        attachments::upload(&db.store, t, &kept.id)
            .await
            .unwrap()
            .is_none(),
        "attached: no longer an upload"
    );

    tokio::time::sleep(Duration::from_millis(20)).await;
    let swept = attachments::sweep(&db.store, &blobs, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((swept.expired_uploads, swept.blobs), (1, 1), "{swept:?}");
    assert_eq!(read(&blobs, t, &kept.sha256).await, b"attached");
    assert_eq!(
        read(&blobs, t, &pending.sha256).await,
        b"pending",
        "an upload still valid is kept"
    );
    assert_eq!(blobs.size(t, &abandoned.sha256).await.unwrap(), None);
    assert!(
        attachments::upload(&db.store, t, &abandoned.id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn only_the_uploader_attaches_once_and_a_refusal_undoes_the_dossier(backend: Backend) {
    let db = TestDb::new(backend).await;
    let t = tenant(&db, "thanhhoa").await;
    let blobs = Blobs::memory();
    let up = upload(&db, &blobs, t, b"mine", "citizen:a").await;
    let err = receive_with(&db, t, vec![attach(&up, "citizen:b")])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let open = dossiers::open_on_version(&db.store, t, PROCEDURE, 1)
        .await
        .unwrap();
    assert!(open.is_empty(), "the refused submission stored no dossier");
    // The refused submission left nothing behind: the upload is still there, and the owner can
    // attach it to a dossier during a move.
    let d = receive_with(&db, t, Vec::new()).await.unwrap();
    let moved = dossiers::move_dossier(&db.store, t, &d.code, |current| {
        let mut change =
            plain_dossier(PROCEDURE, "000.00.01.H56", Utc::now(), None, citizen("x")).start;
        change.state = current.state.clone();
        change.events.clear();
        change.attach = vec![attach(&up, "citizen:a"), attach(&up, "citizen:a")];
        Ok::<_, ()>(change)
    })
    .await;
    assert!(
        matches!(moved, Err(MoveError::Store(StoreError::NotFound(_)))),
        "twice in one move: {moved:?}"
    );
    assert!(
        attachments::documents(&db.store, t, d.id)
            .await
            .unwrap()
            .is_empty()
    );
    dossiers::move_dossier(&db.store, t, &d.code, |current| {
        let mut change =
            plain_dossier(PROCEDURE, "000.00.01.H56", Utc::now(), None, citizen("x")).start;
        change.state = current.state.clone();
        change.events.clear();
        change.attach = vec![Attach {
            kind: DocumentKind::Scan,
            ..attach(&up, "citizen:a")
        }];
        Ok::<_, ()>(change)
    })
    .await
    .unwrap();
    let docs = attachments::documents(&db.store, t, d.id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, DocumentKind::Scan);
    assert_eq!(docs[0].attached_by, "citizen:a");
    let again = attachments::attach(&db.store, t, d.id, &[attach(&up, "citizen:a")]).await;
    assert!(
        matches!(again, Err(StoreError::NotFound(_))),
        "attached already"
    );
}

async fn tenants_do_not_share_uploads_blobs_or_documents(backend: Backend) {
    let db = TestDb::new(backend).await;
    let a = tenant(&db, "thanhhoa").await;
    let b = tenant(&db, "hochiminhcity").await;
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::local(dir.path()).unwrap();
    let up_a = upload(&db, &blobs, a, b"shared content", "citizen:a").await;
    // The same content in tenant b, uploaded and never attached (it has expired already).
    let staged = blobs
        .stage(b, Bytes::from_static(b"shared content"), None)
        .await
        .unwrap();
    let up_b = attachments::record_upload(
        &db.store,
        &blobs,
        staged,
        &meta("citizen:a", -chrono::Duration::seconds(1)),
    )
    .await
    .unwrap();
    assert_eq!(up_a.sha256, up_b.sha256);
    assert_eq!(files(dir.path(), "t").len(), 2, "one blob per tenant");
    assert!(
        attachments::upload(&db.store, b, &up_a.id)
            .await
            .unwrap()
            .is_none()
    );

    let d_a = receive_with(&db, a, vec![attach(&up_a, "citizen:a")])
        .await
        .unwrap();
    // Tenant b can neither take a's upload nor see a's documents.
    let mut new_b = plain_dossier(
        PROCEDURE,
        "000.00.01.H29",
        Utc::now(),
        None,
        citizen("Lê Thị Hoa"),
    );
    new_b.start.attach = vec![attach(&up_a, "citizen:a")];
    let err = dossiers::receive(&db.store, b, new_b).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(
        attachments::documents(&db.store, b, d_a.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        attachments::document(&db.store, b, d_a.id, &up_a.sha256)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        attachments::document(&db.store, a, d_a.id, &up_a.sha256)
            .await
            .unwrap()
            .is_some()
    );

    // b's upload expired: b's blob goes, a's (attached, same content) stays.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let swept = attachments::sweep(&db.store, &blobs, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((swept.expired_uploads, swept.blobs), (1, 1), "{swept:?}");
    assert_eq!(blobs.size(b, &up_b.sha256).await.unwrap(), None);
    assert_eq!(read(&blobs, a, &up_a.sha256).await, b"shared content");
}

backend_tests!(
    the_same_content_is_stored_once,
    a_hash_mismatch_is_refused_and_nothing_is_stored,
    a_failed_transaction_leaves_a_blob_swept_after_the_grace_period,
    attached_uploads_are_never_swept_and_expired_ones_are,
    only_the_uploader_attaches_once_and_a_refusal_undoes_the_dossier,
    tenants_do_not_share_uploads_blobs_or_documents,
);
