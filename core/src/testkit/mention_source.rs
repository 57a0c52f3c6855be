//! The [`MentionSource`] suite: the platform, the limit, the order and the
//! `since` bound of the posts.

use std::sync::Arc;

use chrono::{Duration, Utc};

use super::run::{ensure, Called, Suite, Verdict};
use super::Report;
use crate::model::Post;
use crate::social::MentionSource;

/// How far back the suite asks for posts, as the sentiment service does.
const WINDOW_DAYS: i64 = 7;

/// Runs every [`MentionSource`] check on `source` and reports each.
///
/// `symbol` is one the source has posts about from the last seven days.
/// Costs some eight `mentions` calls of at most 20 posts.
pub async fn mention_source(source: Arc<dyn MentionSource>, symbol: String) -> Report {
    let source = &*source;
    let mut suite = Suite::new("mention_source", source.platform());
    let Some([symbol]) = suite.symbols(
        "inputs",
        "the symbol given to the suite is not a symbol",
        [&symbol],
    ) else {
        return suite.finish();
    };
    let symbol = &symbol;
    let since = Utc::now() - Duration::days(WINDOW_DAYS);

    suite
        .check_given("platform_is_given", "platform()", source.platform())
        .await;

    suite
        .check("finds_posts", async {
            let posts = source
                .mentions(symbol, since, 20)
                .await
                .called("mentions")?;
            ensure!(
                !posts.is_empty(),
                "no post about {symbol} in the last {WINDOW_DAYS} days"
            );
            Ok(())
        })
        .await;

    suite
        .check("posts_carry_the_platform", async {
            let posts = source
                .mentions(symbol, since, 20)
                .await
                .called("mentions")?;
            let platform = source.platform();
            if let Some(post) = posts.iter().find(|p| p.platform != platform) {
                return Err(format!(
                    "post {} says platform {:?}, the source {platform:?}",
                    shown(post),
                    post.platform
                ));
            }
            Ok(())
        })
        .await;

    suite
        .check("at_most_limit_posts", async {
            for limit in [0, 1, 5, 20] {
                let posts = source
                    .mentions(symbol, since, limit)
                    .await
                    .called("mentions")?;
                ensure!(
                    posts.len() <= limit,
                    "a limit of {limit} gave {} posts",
                    posts.len()
                );
            }
            Ok(())
        })
        .await;

    suite
        .check("newest_first", async {
            let posts = source
                .mentions(symbol, since, 20)
                .await
                .called("mentions")?;
            newest_first(&posts)
        })
        .await;

    suite
        .check("nothing_before_since", async {
            let posts = source
                .mentions(symbol, since, 20)
                .await
                .called("mentions")?;
            if let Some(post) = posts.iter().find(|p| p.created_at < since) {
                return Err(format!(
                    "post {} is from before since ({since})",
                    shown(post)
                ));
            }
            // A later bound, inside the posts found: none before it either.
            let Some(middle) = posts.get(posts.len() / 2) else {
                return Ok(());
            };
            let later = middle.created_at;
            let fewer = source
                .mentions(symbol, later, 20)
                .await
                .called("mentions")?;
            if let Some(post) = fewer.iter().find(|p| p.created_at < later) {
                return Err(format!(
                    "post {} is from before since ({later})",
                    shown(post)
                ));
            }
            Ok(())
        })
        .await;

    suite
        .check("a_future_since_gives_nothing", async {
            let tomorrow = Utc::now() + Duration::days(1);
            let posts = source
                .mentions(symbol, tomorrow, 20)
                .await
                .called("mentions")?;
            ensure!(
                posts.is_empty(),
                "since tomorrow gave {} posts, the first {}",
                posts.len(),
                posts.first().map(shown).unwrap_or_default()
            );
            Ok(())
        })
        .await;

    suite.finish()
}

fn newest_first(posts: &[Post]) -> Verdict {
    if let Some(w) = posts.windows(2).find(|w| w[0].created_at < w[1].created_at) {
        return Err(format!(
            "post {} comes before the newer {}",
            shown(&w[0]),
            shown(&w[1])
        ));
    }
    Ok(())
}

/// A post as a message names it: its id and time.
fn shown(post: &Post) -> String {
    format!("{} of {}", crate::error::echo(&post.id), post.created_at)
}
